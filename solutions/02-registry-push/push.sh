#!/usr/bin/env bash
# Builds the simple-node image and publishes it to a container registry.
#
# Run it with the registry, your namespace and the version to publish:
#   REGISTRY=localhost:5000 NAMESPACE=yourname VERSION=1.0.0 bash push.sh
set -euo pipefail

: "${REGISTRY:?set REGISTRY, e.g. localhost:5000 or docker.io}"
: "${NAMESPACE:?set NAMESPACE, e.g. your Docker Hub user name}"
: "${VERSION:?set VERSION, e.g. 1.0.0}"

IMAGE="$REGISTRY/$NAMESPACE/simple-node"

docker build -t simple-node .
docker tag simple-node "$IMAGE:$VERSION"
docker tag simple-node "$IMAGE:latest"
docker push "$IMAGE:$VERSION"
docker push "$IMAGE:latest"
