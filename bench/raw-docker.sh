#!/usr/bin/env bash
# The same steps as podlings' checks for exercise 01, by hand with the docker
# CLI: build, run confined on loopback, wait until it stays up, probe
# /health, read the logs, clean up. Usage: raw-docker.sh <staged dir>
set -euo pipefail
dir="$1"
tag="podlings-bench-raw:$$"
name="podlings-bench-raw-$$"
trap 'docker rm -f "$name" >/dev/null 2>&1 || true; docker rmi -f "$tag" >/dev/null 2>&1 || true' EXIT
DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$dir" >/dev/null
docker run -d --name "$name" --memory 256m --cpus 1 --pids-limit 256 --cap-drop ALL \
  --security-opt no-new-privileges -p 127.0.0.1::8080 "$tag" >/dev/null
port=$(docker port "$name" 8080/tcp | head -1 | sed 's/.*://')
sleep 5
[ "$(docker inspect -f '{{.State.Running}}' "$name")" = true ]
for _ in $(seq 60); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
end=$((SECONDS + 6))
while [ $SECONDS -lt $end ]; do curl -s "http://127.0.0.1:$port/health" >/dev/null || true; sleep 0.3; done
! docker logs "$name" 2>&1 | grep -Eqi '\b(Error|ReferenceError|TypeError|is not defined|Unhandled)\b'
