import type { Exercise } from "../../harness/types.ts";
import {
  digestMatchesLocalImage,
  nodeIsSupportedLts,
  pulledImageServes,
  pushedOnlyToRunRegistry,
  registryHasVersionTag,
  scriptPublishes,
} from "../../harness/checks/registry.ts";

const exercise: Omit<Exercise, "id"> = {
  title: "Publish an image to a registry under a versioned, namespaced tag",
  order: 2,
  requires: ["docker"],
  editable: ["push.sh", "Dockerfile", "server.js", "package.json", ".dockerignore"],
  docs: ["registry.md"],
  hints: [
    "A name without a registry host, like `simple-node:latest`, means Docker Hub. The full name is REGISTRY/NAMESPACE/REPOSITORY:TAG.",
    'push.sh gets REGISTRY, NAMESPACE and VERSION from its environment: tag "$REGISTRY/$NAMESPACE/simple-node:$VERSION" and push that tag.',
    "`latest` moves with every push; a version tag names one build. Push the version (latest as well, if you like).",
    "node:13 reached end of life in 2020. Check which Node lines are LTS today and change FROM (e.g. node:lts-alpine, or a pinned node:<major>-alpine).",
  ],
  starterFails: ["push-script-runs", "pushed-only-to-run-registry", "registry-has-version-tag", "node-is-supported-lts"],
  checks: [
    scriptPublishes("push.sh", { repository: "simple-node" }),
    pushedOnlyToRunRegistry(),
    registryHasVersionTag("simple-node"),
    digestMatchesLocalImage(),
    pulledImageServes("/health"),
    nodeIsSupportedLts(),
  ],
};

export default exercise;
