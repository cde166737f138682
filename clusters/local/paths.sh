# Sourced by build.sh, up.sh and down.sh: where binaries are cached and where the
# running control plane keeps its state. The system-wide directories are used
# when writable (CI, root); otherwise directories in $HOME. harness/cluster/provider.ts
# applies the same rule.
system_or_user_dir() {
  local system="$1" user="$2"
  if [[ -w "$system" || ( ! -e "$system" && -w "$(dirname "$system")" ) ]]; then echo "$system"; else echo "$user"; fi
}
PODLINGS_CACHE="${PODLINGS_CACHE:-$(system_or_user_dir /var/cache/podlings "$HOME/.cache/podlings")}"
PODLINGS_STATE="${PODLINGS_STATE:-$(system_or_user_dir /var/lib/podlings "$HOME/.local/state/podlings")}"
export PODLINGS_CACHE PODLINGS_STATE
