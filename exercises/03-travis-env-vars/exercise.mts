import type { Exercise } from "../../harness/types.ts";
import {
  dockerLoginFromEnv,
  noLiteralSecrets,
  noPushWhenTestsFail,
  pipelineBuildsTestsPushes,
  secretNeverShown,
  travisFileValid,
} from "../../harness/checks/ci.ts";

const exercise: Omit<Exercise, "id"> = {
  title: "Keep credentials out of .travis.yml; push only tested images",
  order: 3,
  requires: ["docker"],
  editable: [".travis.yml", "app.js", "app.test.js", "server.js", "package.json", "package-lock.json", "Dockerfile", ".dockerignore", "docker_push.sh", "scripts"],
  docs: ["ci.md"],
  hints: [
    "Travis starts Docker only when the file asks for it: a top-level `services:` list with `docker`.",
    'The password must not be in the file. Read it from the environment: echo "$DOCKER_PASSWORD" | docker login -u "$DOCKER_USERNAME" --password-stdin',
    "Travis keeps running the later `script` commands after one fails. Push in `after_success` (or a deploy step), which runs only when script passed.",
    "Run the tests (`npm test`) in `script`: its result decides whether the build passes.",
  ],
  starterFails: ["no-literal-secret", "docker-login-from-env", "pipeline-builds-tests-pushes"],
  checks: [
    travisFileValid(".travis.yml"),
    noLiteralSecrets(),
    dockerLoginFromEnv(),
    pipelineBuildsTestsPushes({ repository: "simple-node" }),
    noPushWhenTestsFail(),
    secretNeverShown(),
  ],
};

export default exercise;
