// Exercise 03: the .travis.yml is checked statically, then its job runs
// locally with Travis's phase rules on real Docker, against a real registry
// that checks the password. Verify both ways, then submissions we did not ship.
import { describe, expect, it } from "vitest";
import { account, runSubmission, statuses, verifyBothWays } from "../support/submissions.ts";

const ID = "03-travis-env-vars";

const ALL_PASS = {
  "travis-yml-valid": "passed",
  "no-literal-secret": "passed",
  "docker-login-from-env": "passed",
  "pipeline-builds-tests-pushes": "passed",
  "no-push-when-tests-fail": "passed",
  "secret-never-shown": "passed",
};

const yaml = (...lines: string[]) => `${lines.join("\n")}\n`;
const LOGIN = 'echo "$DOCKER_PASSWORD" | docker login -u "$DOCKER_USERNAME" --password-stdin';

describe("03-travis-env-vars: a Travis pipeline run locally on real Docker", () => {
  it("verify: the starter fails (literal password, no services: docker); the solution passes every check", async () => {
    const o = await verifyBothWays(ID);
    expect(statuses(o.starter.result)).toEqual({
      "travis-yml-valid": "passed",
      "no-literal-secret": "failed",
      "docker-login-from-env": "failed",
      "pipeline-builds-tests-pushes": "failed",
      "no-push-when-tests-fail": "not-run",
      "secret-never-shown": "passed",
    });
    expect(account(o.starter.result, "no-literal-secret")).toMatch(/line 7: `docker login` gets a literal password after -p: Tr… \(16 characters\)/);
    expect(account(o.starter.result, "no-literal-secret")).not.toContain("Tr4vis-Passw0rd!");
    expect(account(o.starter.result, "pipeline-builds-tests-pushes")).toMatch(/errored in before_install.*Cannot connect to the Docker daemon/s);
    expect(account(o.starter.result, "pipeline-builds-tests-pushes")).toMatch(/`services: docker`/);
    expect(statuses(o.solution.result)).toEqual(ALL_PASS);
    expect(account(o.solution.result, "pipeline-builds-tests-pushes")).toMatch(/pushed podlings-learner\/simple-node:latest/);
  });

  it("a deploy step calling a push script, with npm ci from a lockfile and a build-number tag, passes", async () => {
    const res = await runSubmission(ID, {
      files: {
        ".travis.yml": yaml(
          "language: node_js",
          'node_js: ["24"]',
          "services: [docker]",
          "script:",
          "  - npm test",
          '  - docker build -t "$DOCKER_USERNAME/simple-node:$TRAVIS_BUILD_NUMBER" .',
          "deploy:",
          "  provider: script",
          "  script: bash scripts/docker_push.sh",
          "  on:",
          "    branch: master",
        ),
        "scripts/docker_push.sh": ["#!/usr/bin/env bash", "set -euo pipefail", LOGIN, 'docker push "$DOCKER_USERNAME/simple-node:$TRAVIS_BUILD_NUMBER"', ""].join("\n"),
        "package-lock.json": JSON.stringify({ name: "simple_node", version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "simple_node", version: "1.0.0", license: "MIT" } } }, null, 2),
      },
    });
    expect(statuses(res)).toEqual(ALL_PASS);
    expect(account(res, "docker-login-from-env")).toMatch(/scripts\/docker_push\.sh line 3/);
    expect(account(res, "pipeline-builds-tests-pushes")).toMatch(/pushed podlings-learner\/simple-node:1\b/);
    expect(account(res, "no-push-when-tests-fail")).toMatch(/the build failed at `npm test` \(script/);
  });

  it("tests in before_script, a here-string login and a version tag, passes", async () => {
    const res = await runSubmission(ID, {
      files: {
        ".travis.yml": yaml(
          "language: node_js",
          "node_js:",
          "  - lts/*",
          "services:",
          "  - docker",
          "before_script:",
          "  - npm test",
          "script:",
          "  - docker build -t simple-node .",
          "after_success:",
          '  - docker login --username "$DOCKER_USERNAME" --password-stdin <<< "$DOCKER_PASSWORD"',
          '  - docker tag simple-node "$DOCKER_USERNAME/simple-node:1.0.$TRAVIS_BUILD_NUMBER"',
          '  - docker push "$DOCKER_USERNAME/simple-node:1.0.$TRAVIS_BUILD_NUMBER"',
        ),
      },
    });
    expect(statuses(res)).toEqual(ALL_PASS);
    expect(account(res, "pipeline-builds-tests-pushes")).toMatch(/pushed podlings-learner\/simple-node:1\.0\.1/);
    expect(account(res, "no-push-when-tests-fail")).toMatch(/the build errored at `npm test` \(before_script/);
  });

  it("adding services: docker but keeping the literal password fails: the registry refuses the login", async () => {
    const res = await runSubmission(ID, { edits: [[".travis.yml", "before_install:", "services:\n  - docker\n\nbefore_install:"]] });
    expect(statuses(res)).toEqual({
      ...ALL_PASS,
      "no-literal-secret": "failed",
      "docker-login-from-env": "failed",
      "pipeline-builds-tests-pushes": "failed",
      "no-push-when-tests-fail": "not-run",
    });
    const a = account(res, "pipeline-builds-tests-pushes");
    expect(a).toMatch(/errored in before_install: `docker login -u someuser -p Tr… \(16 characters\)`/);
    expect(a).toMatch(/401 Unauthorized/);
    expect(a).toMatch(/the registry refused the login: log in as "\$DOCKER_USERNAME"/);
  });

  it("pushing in script before the tests fails: with failing tests the image is still pushed", async () => {
    const res = await runSubmission(ID, {
      files: {
        ".travis.yml": yaml(
          "language: node_js",
          'node_js: ["22"]',
          "services: [docker]",
          "before_install:",
          `  - ${LOGIN}`,
          "install:",
          "  - npm install",
          "script:",
          '  - docker build -t "$DOCKER_USERNAME/simple-node" .',
          '  - docker push "$DOCKER_USERNAME/simple-node"',
          "  - npm test",
        ),
      },
    });
    expect(statuses(res)).toEqual({ ...ALL_PASS, "no-push-when-tests-fail": "failed" });
    const a = account(res, "no-push-when-tests-fail");
    expect(a).toMatch(/with failing tests the pipeline still pushed podlings-learner\/simple-node:latest, from `docker push "\$DOCKER_USERNAME\/simple-node"` \(script, line 10\)/);
    expect(a).toMatch(/a failing script command does not stop the later ones/);
  });

  it("-p \"$DOCKER_PASSWORD\" works but fails the login check; echoing the password as base64 leaks it", async () => {
    const res = await runSubmission(ID, {
      fromSolution: true,
      edits: [
        [".travis.yml", LOGIN, 'docker login -u "$DOCKER_USERNAME" -p "$DOCKER_PASSWORD"'],
        [".travis.yml", "after_success:\n", 'after_success:\n  - echo "$DOCKER_PASSWORD" | base64\n'],
      ],
    });
    expect(statuses(res)).toEqual({ ...ALL_PASS, "docker-login-from-env": "failed", "secret-never-shown": "failed" });
    expect(account(res, "docker-login-from-env")).toMatch(/\.travis\.yml line \d+: passes the password as an argument \(-p\)/);
    expect(account(res, "secret-never-shown")).toMatch(/the password in base64 in the pipeline log, line \d+/);
    expect(account(res, "secret-never-shown")).toMatch(/Travis masks only the exact value/);
  });

  it("a misspelt service fails the schema check with its line and column; nothing else runs", async () => {
    const res = await runSubmission(ID, { fromSolution: true, edits: [[".travis.yml", "  - docker\n", "  - dockr\n"]] });
    expect(statuses(res)).toEqual({
      "travis-yml-valid": "failed",
      "no-literal-secret": "not-run",
      "docker-login-from-env": "not-run",
      "pipeline-builds-tests-pushes": "not-run",
      "no-push-when-tests-fail": "not-run",
      "secret-never-shown": "not-run",
    });
    expect(account(res, "travis-yml-valid")).toMatch(/line 10, column 5: services\[0\]: must be one of .*docker/);
  });
});
