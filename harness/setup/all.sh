#!/usr/bin/env bash
# Prepares a machine for podlings: Node >= 22, a Docker daemon, and (when needed) offline mode.
#
#   bash harness/setup/all.sh              # offline mode only if Docker Hub is unreachable
#   sudo bash harness/setup/all.sh --offline   # always build/refresh the offline stand-ins
#   bash harness/setup/all.sh --online     # never
#
# PODLINGS_OFFLINE=1 / PODLINGS_OFFLINE=0 do the same as --offline / --online.
# Other arguments (--verify, --rebuild, --no-verify) are passed to offline.sh.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

offline=${PODLINGS_OFFLINE:-auto}
offline_args=()
for arg in "$@"; do
  case "$arg" in
    --offline) offline=1 ;;
    --online | --no-offline) offline=0 ;;
    -h | --help) usage "$0"; exit 0 ;;
    *) offline_args+=("$arg") ;;
  esac
done

T0=$(now_s)
bash "$PODLINGS_SETUP_DIR/node.sh"
bash "$PODLINGS_SETUP_DIR/docker.sh"

PODLINGS_HUB_PROBE_TIMEOUT=${PODLINGS_HUB_PROBE_TIMEOUT:-15}
PROBE_IMAGE=hello-world:latest

if [ "$offline" = auto ]; then
  if [ "$(docker image inspect --format '{{ index .Config.Labels "org.podlings.standin" }}' node:24-alpine 2>/dev/null)" = true ]; then
    # Already set up for offline use: keep it so (cheap when up to date; restarts the mirror after a reboot).
    log "offline stand-ins are present: keeping offline mode"
    offline=1
  else
    had_probe=$(docker image inspect "$PROBE_IMAGE" >/dev/null 2>&1 && echo 1 || echo 0)
    if timeout "$PODLINGS_HUB_PROBE_TIMEOUT" docker pull -q "$PROBE_IMAGE" >/dev/null 2>&1; then
      log "Docker Hub answers: offline mode not needed"
      offline=0
      [ "$had_probe" = 1 ] || docker rmi "$PROBE_IMAGE" >/dev/null 2>&1 || true
    else
      log "docker pull $PROBE_IMAGE failed within ${PODLINGS_HUB_PROBE_TIMEOUT}s (timeout PODLINGS_HUB_PROBE_TIMEOUT): switching to offline mode"
      offline=1
    fi
  fi
fi

if [ "$offline" = 1 ]; then
  bash "$PODLINGS_SETUP_DIR/offline.sh" ${offline_args[@]+"${offline_args[@]}"}
fi
log "setup complete in $(elapsed_since "$T0")"
