#!/usr/bin/env bash
# Builds the simple-node image and publishes it to a container registry.
#
# Run it with the registry, your namespace and the version to publish:
#   REGISTRY=localhost:5000 NAMESPACE=yourname VERSION=1.0.0 bash push.sh
set -euo pipefail

docker build -t simple-node .
docker tag simple-node simple-node:latest
docker push simple-node:latest
