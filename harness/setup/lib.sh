# shellcheck shell=bash
# Shared helpers for the podlings setup scripts. Sourced, never run.
# Every script prints short progress lines prefixed "podlings setup:".

PODLINGS_SETUP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
PODLINGS_ROOT=$(cd "$PODLINGS_SETUP_DIR/../.." && pwd)

# The registry mirror dockerd consults before Docker Hub (offline mode serves it).
PODLINGS_MIRROR_ADDR=${PODLINGS_MIRROR_ADDR:-127.0.0.1:5555}
PODLINGS_MIRROR_URL="http://$PODLINGS_MIRROR_ADDR"
PODLINGS_DOCKERD_LOG=${PODLINGS_DOCKERD_LOG:-/var/log/podlings-dockerd.log}

log() { printf 'podlings setup: %s\n' "$*"; }
warn() { printf 'podlings setup: warning: %s\n' "$*" >&2; }
die() { printf 'podlings setup: error: %s\n' "$*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

# usage SCRIPT: prints the comment block at the top of SCRIPT.
usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$1"; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# now_s: seconds since the epoch with a fraction, for timing lines.
now_s() { date +%s.%N; }
elapsed_since() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1fs", b - a }'; }

# wait_for NAME SECONDS DESCRIPTION COMMAND...
# Polls COMMAND until it succeeds. NAME is the environment variable that sets the
# timeout, so the failure message tells the user what to raise.
wait_for() {
  local name=$1 secs=$2 what=$3
  shift 3
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      die "timed out after ${secs}s waiting for ${what} (timeout ${name}=${secs}; raise it to wait longer)"
    fi
    sleep 0.5
  done
}

# http_ok URL: true when URL answers 2xx within a few seconds.
http_ok() {
  if have curl; then
    curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null
  elif have wget; then
    wget -q -O /dev/null -T 3 "$1" 2>/dev/null
  else
    node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(3000) }).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
  fi
}

# http_header URL HEADER [ACCEPT]: prints the value of HEADER from a HEAD request (empty when absent).
http_header() {
  local url=$1 header=$2 accept=${3:-*/*}
  if have curl; then
    curl -fsSI --max-time 5 -H "Accept: $accept" "$url" 2>/dev/null |
      awk -v h="$(printf '%s' "$header" | tr 'A-Z' 'a-z')" -F': ' 'tolower($1) == h { sub(/\r$/, "", $2); print $2 }'
  else
    node -e '
      const [url, header, accept] = process.argv.slice(1);
      fetch(url, { method: "HEAD", headers: { accept }, signal: AbortSignal.timeout(5000) })
        .then(r => { if (r.ok) console.log(r.headers.get(header) ?? ""); }, () => {});
    ' "$url" "$header" "$accept"
  fi
}

# json_tool: prints the interpreter used to edit JSON files (node or python3).
json_tool() {
  if have node && node -e 'process.exit(0)' 2>/dev/null; then echo node
  elif have python3; then echo python3
  else return 1
  fi
}

# merge_daemon_json FILE IP MIRROR_URL
# Adds "ip" (only when absent) and MIRROR_URL to "registry-mirrors" (only when absent),
# keeps every other key. Prints "changed" or "unchanged". Keeps FILE.podlings.bak of the old file.
merge_daemon_json() {
  local file=$1 ip=$2 mirror=$3 tool
  tool=$(json_tool) || die "need node or python3 to edit $file"
  mkdir -p "$(dirname "$file")"
  if [ "$tool" = node ]; then
    node -e '
      const fs = require("fs");
      const [file, ip, mirror] = process.argv.slice(1);
      let text = "";
      try { text = fs.readFileSync(file, "utf8"); } catch (e) { if (e.code !== "ENOENT") throw e; }
      const cfg = text.trim() ? JSON.parse(text) : {};
      let changed = false;
      if (ip && cfg.ip === undefined) { cfg.ip = ip; changed = true; }
      const mirrors = Array.isArray(cfg["registry-mirrors"]) ? cfg["registry-mirrors"] : [];
      const norm = (u) => u.replace(/\/+$/, "");
      if (mirror && !mirrors.some((m) => norm(m) === norm(mirror))) {
        cfg["registry-mirrors"] = [...mirrors, mirror]; changed = true;
      }
      if (changed) {
        if (text) fs.writeFileSync(file + ".podlings.bak", text);
        fs.writeFileSync(file + ".tmp", JSON.stringify(cfg, null, 2) + "\n");
        fs.renameSync(file + ".tmp", file);
      }
      console.log(changed ? "changed" : "unchanged");
    ' "$file" "$ip" "$mirror"
  else
    python3 - "$file" "$ip" "$mirror" <<'PY'
import json, os, sys
path, ip, mirror = sys.argv[1:4]
text = open(path).read() if os.path.exists(path) else ""
cfg = json.loads(text) if text.strip() else {}
changed = False
if ip and "ip" not in cfg:
    cfg["ip"] = ip; changed = True
mirrors = cfg.get("registry-mirrors") if isinstance(cfg.get("registry-mirrors"), list) else []
if mirror and not any(m.rstrip("/") == mirror.rstrip("/") for m in mirrors):
    cfg["registry-mirrors"] = mirrors + [mirror]; changed = True
if changed:
    if text:
        open(path + ".podlings.bak", "w").write(text)
    open(path + ".tmp", "w").write(json.dumps(cfg, indent=2) + "\n")
    os.replace(path + ".tmp", path)
print("changed" if changed else "unchanged")
PY
  fi
}

# remove_mirror_from_daemon_json FILE MIRROR_URL [force]: the undo of the mirror part of
# merge_daemon_json. With "force", a missing "registry-mirrors" key is written as [] (a running
# dockerd keeps its old mirrors on reload when the key is absent).
remove_mirror_from_daemon_json() {
  local file=$1 mirror=$2 force=${3:-} tool
  [ -f "$file" ] || [ "$force" = force ] || { echo unchanged; return 0; }
  [ -f "$file" ] || echo '{}' >"$file"
  tool=$(json_tool) || die "need node or python3 to edit $file"
  if [ "$tool" = node ]; then
    node -e '
      const fs = require("fs");
      const [file, mirror, force] = process.argv.slice(1);
      const text = fs.readFileSync(file, "utf8");
      const cfg = text.trim() ? JSON.parse(text) : {};
      const norm = (u) => u.replace(/\/+$/, "");
      const mirrors = Array.isArray(cfg["registry-mirrors"]) ? cfg["registry-mirrors"] : [];
      const kept = mirrors.filter((m) => norm(m) !== norm(mirror));
      const missing = !Array.isArray(cfg["registry-mirrors"]);
      if (kept.length === mirrors.length && !(missing && force === "force")) { console.log("unchanged"); process.exit(0); }
      cfg["registry-mirrors"] = kept; // an empty list, not no key: a reload (SIGHUP) only applies keys that are present
      fs.writeFileSync(file + ".tmp", JSON.stringify(cfg, null, 2) + "\n");
      fs.renameSync(file + ".tmp", file);
      console.log("changed");
    ' "$file" "$mirror" "$force"
  else
    python3 - "$file" "$mirror" "$force" <<'PY'
import json, os, sys
path, mirror, force = sys.argv[1:4]
text = open(path).read()
cfg = json.loads(text) if text.strip() else {}
missing = not isinstance(cfg.get("registry-mirrors"), list)
mirrors = [] if missing else cfg["registry-mirrors"]
kept = [m for m in mirrors if m.rstrip("/") != mirror.rstrip("/")]
if len(kept) == len(mirrors) and not (missing and force == "force"):
    print("unchanged"); sys.exit(0)
cfg["registry-mirrors"] = kept  # an empty list, not no key: a reload (SIGHUP) only applies keys that are present
open(path + ".tmp", "w").write(json.dumps(cfg, indent=2) + "\n")
os.replace(path + ".tmp", path)
print("changed")
PY
  fi
}

# dockerd_pids: pids of running dockerd processes (exact process name match).
dockerd_pids() { pgrep -x dockerd 2>/dev/null || true; }

# docker_uses_mirror: true when the running dockerd lists our mirror.
docker_uses_mirror() {
  docker info --format '{{range .RegistryConfig.Mirrors}}{{println .}}{{end}}' 2>/dev/null |
    sed 's:/*$::' | grep -qx "$PODLINGS_MIRROR_URL"
}

# is_debian_like: Debian, Ubuntu and their derivatives (apt-get present).
is_debian_like() {
  have apt-get || return 1
  [ -r /etc/os-release ] || return 1
  # shellcheck disable=SC1091
  (. /etc/os-release && case " ${ID:-} ${ID_LIKE:-} " in *" debian "* | *" ubuntu "*) exit 0 ;; *) exit 1 ;; esac)
}

APT_UPDATED=0
# apt_install PACKAGE...: apt-get install (with one apt-get update per run).
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    apt-get update -q >/dev/null
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

# node_arch: the suffix of the node-linux-<arch> npm package for this machine.
node_arch() {
  case "$(uname -m)" in
    x86_64 | amd64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) die "no Node.js binary package for $(uname -m)" ;;
  esac
}

# --- offline-mode stand-ins -------------------------------------------------------
# Images built FROM a stand-in inherit its labels, so a label filter alone would also
# match learners' and the harness's images. A stand-in is an image carrying the label
# whose description names its own tag, or the base/build images of offline mode.
PODLINGS_STANDIN_LABEL=org.podlings.standin
# shellcheck disable=SC2034 # used by offline.sh and clean-standins.sh
PODLINGS_STANDIN_RECORD_NAME=standin-images.txt # under $PODLINGS_CACHE: ids of every stand-in built

# standin_refs: prints the tags (repo:tag) of offline-mode stand-ins present in Docker.
standin_refs() {
  docker images --filter "label=$PODLINGS_STANDIN_LABEL=true" --format '{{.Repository}}:{{.Tag}}' 2>/dev/null |
    { grep -v ':<none>$' || true; } | sort -u | while read -r ref; do
      case "$ref" in
        podlings/standin-base:* | podlings/standin-build:*) echo "$ref"; continue ;;
      esac
      desc=$(docker image inspect --format '{{ index .Config.Labels "org.opencontainers.image.description" }}' "$ref" 2>/dev/null || true)
      case "$desc" in "podlings offline stand-in for $ref,"*) echo "$ref" ;; esac
    done
}
