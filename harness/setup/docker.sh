#!/usr/bin/env bash
# Makes sure a Docker daemon answers.
# - `docker info` works (Docker Desktop, a distro service, ...): nothing to do.
# - root on Debian/Ubuntu, or PODLINGS_PROVISION=1: install docker.io if dockerd is missing,
#   merge podlings' settings into /etc/docker/daemon.json (published ports bind to 127.0.0.1;
#   the offline-mode registry mirror), start dockerd and wait for its socket.
# - otherwise: one line saying what to install, exit 1.
# Idempotent.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DAEMON_JSON=${PODLINGS_DAEMON_JSON:-/etc/docker/daemon.json}
PODLINGS_DOCKERD_TIMEOUT=${PODLINGS_DOCKERD_TIMEOUT:-60}

if docker info >/dev/null 2>&1; then
  log "docker is running (server $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')): nothing to do"
  exit 0
fi

provision=0
if is_root && is_debian_like; then provision=1; fi
if [ "${PODLINGS_PROVISION:-}" = 1 ]; then provision=1; fi
if [ "${PODLINGS_PROVISION:-}" = 0 ]; then provision=0; fi

if [ "$provision" != 1 ]; then
  sock=/var/run/docker.sock
  if have docker && [ -S "$sock" ] && [ ! -w "$sock" ] && [ -z "${DOCKER_HOST:-}" ]; then
    echo "podlings setup: Docker is running but $(id -un) cannot use $sock: add yourself to the docker group (sudo usermod -aG docker $(id -un)), log in again, and rerun" >&2
  else
    echo "podlings setup: Docker is not running and podlings will not install it here: install Docker (https://docs.docker.com/engine/install/) and start it" >&2
  fi
  exit 1
fi
is_root || die "PODLINGS_PROVISION=1 needs root (run with sudo)"

if ! have dockerd; then
  have apt-get || die "dockerd is missing and apt-get is not available: install Docker (https://docs.docker.com/engine/install/)"
  apt_install docker.io iptables ca-certificates
fi
have docker || apt_install docker.io

result=$(merge_daemon_json "$DAEMON_JSON" 127.0.0.1 "$PODLINGS_MIRROR_URL")
log "$DAEMON_JSON: $result (ip 127.0.0.1, registry mirror $PODLINGS_MIRROR_URL)"

pids=$(dockerd_pids)
if [ -n "$pids" ]; then
  log "dockerd is already running (pid $(echo $pids)); waiting for it to answer"
  if [ "$result" = changed ]; then
    # registry-mirrors is one of dockerd's live-reloadable settings; ip needs a restart.
    kill -HUP $pids 2>/dev/null || true
  fi
elif [ -d /run/systemd/system ] && have systemctl && systemctl cat docker.service >/dev/null 2>&1; then
  log "starting docker.service with systemctl"
  systemctl start docker.service
else
  log "starting dockerd in the background (log: $PODLINGS_DOCKERD_LOG)"
  # setsid: a session of its own, so it outlives this script and the caller's job control.
  setsid nohup dockerd >>"$PODLINGS_DOCKERD_LOG" 2>&1 </dev/null &
fi

wait_for PODLINGS_DOCKERD_TIMEOUT "$PODLINGS_DOCKERD_TIMEOUT" \
  "the Docker daemon to answer (log: $PODLINGS_DOCKERD_LOG)" docker info
log "dockerd is up (server $(docker version --format '{{.Server.Version}}'))"
