// Exercise 02 on the real Docker engine and a real local registry: verify both
// ways, then submissions we did not ship, judged by what reached the registry.
import { describe, expect, it } from "vitest";
import { supportedLtsMajors } from "../../harness/node-lts.ts";
import { account, runSubmission, statuses, verifyBothWays } from "../support/submissions.ts";

const ID = "02-registry-push";

const ALL_PASS = {
  "push-script-runs": "passed",
  "pushed-only-to-run-registry": "passed",
  "registry-has-version-tag": "passed",
  "digest-matches-local-image": "passed",
  "pulled-image-serves": "passed",
  "node-is-supported-lts": "passed",
};

/** A push.sh body after the shebang. */
const script = (...lines: string[]) => ["#!/usr/bin/env bash", "set -euo pipefail", ...lines, ""].join("\n");

describe("02-registry-push on real Docker and a real registry", () => {
  it("verify: the starter fails (Docker Hub push refused, no version tag, Node 13); the solution passes every check", async () => {
    const o = await verifyBothWays(ID);
    expect(statuses(o.starter.result)).toEqual({
      "push-script-runs": "failed",
      "pushed-only-to-run-registry": "failed",
      "registry-has-version-tag": "failed",
      "digest-matches-local-image": "not-run",
      "pulled-image-serves": "not-run",
      "node-is-supported-lts": "failed",
    });
    expect(account(o.starter.result, "pushed-only-to-run-registry")).toMatch(/`docker push simple-node:latest` names Docker Hub/);
    expect(account(o.starter.result, "registry-has-version-tag")).toMatch(/the registry lists 127\.0\.0\.1:\d+\/learner-[0-9a-f]{4}\/simple-node:1\.\d+\.\d+/);
    expect(account(o.starter.result, "node-is-supported-lts")).toMatch(/v13\.\d+\.\d+.*Node 13 reached end of life on 2020-06-01/);
    expect(statuses(o.solution.result)).toEqual(ALL_PASS);
  });

  it("a plain tag-and-push one-liner on node:22-slim, version tag only, passes", async () => {
    const res = await runSubmission(ID, {
      files: {
        Dockerfile: "FROM node:22-slim\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN npm install\nCOPY . .\nEXPOSE 8080\nCMD [\"node\", \"server.js\"]\n",
        "push.sh": script('docker build -t simple-node . && docker tag simple-node "$REGISTRY/$NAMESPACE/simple-node:$VERSION" && docker push "$REGISTRY/$NAMESPACE/simple-node:$VERSION"'),
      },
    });
    expect(statuses(res)).toEqual(ALL_PASS);
    expect(account(res, "node-is-supported-lts")).toMatch(/v22\./);
    expect(account(res, "registry-has-version-tag")).toMatch(/with tags 1\.\d+\.\d+$/m);
  });

  it("building straight under the full name, pushing latest too, on node:lts-alpine, passes", async () => {
    const res = await runSubmission(ID, {
      fromSolution: true,
      edits: [["Dockerfile", "FROM node:24-alpine", "FROM node:lts-alpine"]],
      files: {
        "push.sh": script(
          'image="${REGISTRY}/${NAMESPACE}/simple-node"',
          'docker build -t "$image:$VERSION" -t "$image:latest" .',
          'for tag in "$VERSION" latest; do docker push "$image:$tag"; done',
        ),
      },
    });
    expect(statuses(res)).toEqual(ALL_PASS);
    expect(account(res, "registry-has-version-tag")).toMatch(/tags 1\.\d+\.\d+, latest/);
    expect(account(res, "pulled-image-serves")).toMatch(/layer\(s\) downloaded.*status 200/);
  });

  it("a script that deletes its local images after pushing passes: the digest is the one recorded at push time", async () => {
    const res = await runSubmission(ID, {
      fromSolution: true,
      files: {
        "push.sh": script(
          'ref="$REGISTRY/$NAMESPACE/simple-node:$VERSION"',
          'docker build -t "$ref" .',
          'docker push "$ref"',
          'docker rmi "$ref"',
        ),
      },
    });
    expect(statuses(res)).toEqual(ALL_PASS);
  });

  it("pushing only latest fails, naming the expected tag and the tags found", async () => {
    const res = await runSubmission(ID, {
      fromSolution: true,
      files: { "push.sh": script("docker build -t simple-node .", 'docker tag simple-node "$REGISTRY/$NAMESPACE/simple-node:latest"', 'docker push "$REGISTRY/$NAMESPACE/simple-node:latest"') },
    });
    expect(statuses(res)).toEqual({ ...ALL_PASS, "registry-has-version-tag": "failed", "digest-matches-local-image": "not-run", "pulled-image-serves": "not-run" });
    const a = account(res, "registry-has-version-tag");
    expect(a).toMatch(/the registry lists 127\.0\.0\.1:\d+\/(learner-[0-9a-f]{4})\/simple-node:1\.\d+\.\d+/);
    expect(a).toMatch(/it holds learner-[0-9a-f]{4}\/simple-node:latest/);
    expect(a).toMatch(/tag the image with "\$VERSION" too, not only latest/);
  });

  it("a fixed namespace instead of $NAMESPACE fails, naming both", async () => {
    const res = await runSubmission(ID, {
      fromSolution: true,
      edits: [["push.sh", 'IMAGE="$REGISTRY/$NAMESPACE/simple-node"', 'IMAGE="$REGISTRY/myname/simple-node"']],
    });
    expect(statuses(res)["registry-has-version-tag"]).toBe("failed");
    expect(statuses(res)["push-script-runs"]).toBe("passed");
    const a = account(res, "registry-has-version-tag");
    expect(a).toMatch(/it holds myname\/simple-node:1\.\d+\.\d+, myname\/simple-node:latest/);
    expect(a).toMatch(/use "\$NAMESPACE" \(here learner-[0-9a-f]{4}\)/);
  });

  it("a correct push of a Node 13 image fails only the LTS check, after the pulled image really served", async () => {
    const res = await runSubmission(ID, { fromSolution: true, edits: [["Dockerfile", "FROM node:24-alpine", "FROM node:13"]] });
    expect(statuses(res)).toEqual({ ...ALL_PASS, "node-is-supported-lts": "failed" });
    const a = account(res, "node-is-supported-lts");
    expect(a).toMatch(/in the pulled image learner-[0-9a-f]{4}\/simple-node:1\.\d+\.\d+: Node 13 reached end of life on 2020-06-01/);
    expect(a).toContain(`supported LTS line today (${supportedLtsMajors().join(", ")})`);
  });
});
