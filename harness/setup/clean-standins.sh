#!/usr/bin/env bash
# Undoes offline mode: removes the stand-in images (by label) and stops the registry mirror.
#
#   sudo bash harness/setup/clean-standins.sh           # images + mirror process
#   sudo bash harness/setup/clean-standins.sh --purge   # ... and offline mode's cache folders
#   sudo bash harness/setup/clean-standins.sh --all     # ... and the mirror entry in daemon.json
#
# Images that containers or other images still use are left in place (and listed).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CACHE=${PODLINGS_CACHE:-/var/cache/podlings}
DAEMON_JSON=${PODLINGS_DAEMON_JSON:-/etc/docker/daemon.json}
purge=0 daemon_json=0
for arg in "$@"; do
  case "$arg" in
    --purge) purge=1 ;;
    --all) purge=1 daemon_json=1 ;;
    -h | --help) usage "$0"; exit 0 ;;
    *) die "unknown option $arg (try --help)" ;;
  esac
done

# --- the mirror process ---
pidfile="$CACHE/mirror/registry.pid"
pid=$(cat "$pidfile" 2>/dev/null || true)
if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q '^docker-registry serve '; then
  log "stopping the registry mirror (pid $pid)"
  kill "$pid"
  wait_for PODLINGS_MIRROR_TIMEOUT "${PODLINGS_MIRROR_TIMEOUT:-30}" "the mirror (pid $pid) to stop" bash -c "! kill -0 $pid"
else
  log "the registry mirror is not running"
fi
rm -f "$pidfile" "$CACHE"/mirror/state/* 2>/dev/null || true

# --- the images ---
# By label, but only the stand-ins themselves: images built on a stand-in inherit its
# labels and are left alone (see standin_refs in lib.sh).
record="$CACHE/$PODLINGS_STANDIN_RECORD_NAME"
left_ids=""
if docker info >/dev/null 2>&1; then
  refs=$(standin_refs)
  if [ -n "$refs" ]; then
    log "removing $(echo "$refs" | wc -l) stand-in tags"
    for ref in $refs; do docker rmi "$ref" >/dev/null 2>&1 || true; done
  fi
  # Untagged stand-ins from earlier builds, by the ids offline.sh recorded.
  if [ -f "$record" ]; then
    awk '{ print $1 }' "$record" | sort -u | while read -r id; do
      docker rmi "$id" >/dev/null 2>&1 || true
    done
  fi
  left=$(standin_refs)
  left_ids=$([ -f "$record" ] && awk '{ print $1 }' "$record" | sort -u | while read -r id; do
    docker image inspect "$id" >/dev/null 2>&1 && echo "$id"; done || true)
  if [ -n "$left$left_ids" ]; then
    warn "still in use (remove the containers and images built on them, then rerun):"
    printf '%s\n' $left $left_ids | sed 's/^/    /' >&2
  else
    log "no stand-in images left"
    rm -f "$record"
  fi
else
  warn "Docker is not answering: stand-in images were not removed"
fi

# --- cache folders (only offline mode's; other tools share $CACHE) ---
if [ "$purge" = 1 ]; then
  log "removing offline mode's cache folders under $CACHE"
  rm -rf "$CACHE"/rootfs-* "$CACHE"/dist "$CACHE"/npm "$CACHE"/mirror "$CACHE"/build \
    "$CACHE"/logs/offline-*.log "$CACHE"/.offline.lock
  [ -n "$left_ids" ] || rm -f "$record"
fi

# --- daemon.json ---
if [ "$daemon_json" = 1 ]; then
  if [ -w "$DAEMON_JSON" ] || { [ ! -e "$DAEMON_JSON" ] && [ -w "$(dirname "$DAEMON_JSON")" ]; }; then
    force=$(docker_uses_mirror && echo force || true)
    result=$(remove_mirror_from_daemon_json "$DAEMON_JSON" "$PODLINGS_MIRROR_URL" $force)
    log "$DAEMON_JSON: $result (registry mirror $PODLINGS_MIRROR_URL)"
    pids=$(dockerd_pids)
    if [ "$result" = changed ] && [ -n "$pids" ]; then
      kill -HUP $pids # registry-mirrors is live-reloadable
      log "dockerd reloaded its settings"
    fi
  else
    log "$DAEMON_JSON is not writable here: remove \"$PODLINGS_MIRROR_URL\" from registry-mirrors yourself"
  fi
fi
