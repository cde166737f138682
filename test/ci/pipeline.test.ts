// The local Travis run on the real engine: services: docker decides whether
// docker works, Docker Hub pushes land in the run's registry, a wrong password
// fails, and the password is masked.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeRun } from "../../harness/docker/cleanup.ts";
import { newRunId, runLabels } from "../../harness/docker/labels.ts";
import { forceTestFailure, runPipeline, type Credentials } from "../../harness/ci/pipeline.ts";
import { parseTravisYaml, travisJob } from "../../harness/ci/travis-file.ts";
import { MASK } from "../../harness/ci/mask.ts";
import { tempDir } from "../support/submissions.ts";

const runId = newRunId();
const labels = runLabels(runId);
afterAll(() => removeRun(runId));
const credentials: Credentials = { username: "ci-user", password: "pipeline-Secret-123" };
let n = 0;

async function pipeline(yaml: string, files: Record<string, string> = {}, prepare?: (dir: string) => void) {
  const app = tempDir("podlings-pipeline-");
  try {
    writeFileSync(path.join(app.dir, "Dockerfile"), "FROM node:24-alpine\nCOPY . /app\n");
    writeFileSync(path.join(app.dir, "package.json"), JSON.stringify({ name: "t", version: "1.0.0", scripts: { test: "node --test" } }));
    writeFileSync(path.join(app.dir, "ok.test.js"), 'require("node:test")("ok", () => {});\n');
    for (const [f, text] of Object.entries(files)) writeFileSync(path.join(app.dir, f), text);
    return await runPipeline({
      dir: app.dir,
      job: travisJob(parseTravisYaml(yaml)),
      credentials,
      registryName: `podlings-test-pipeline-${runId}-${++n}`,
      labels,
      prepare,
      commandTimeoutMs: 120_000,
    });
  } finally {
    app.dispose();
  }
}

describe("the local Travis pipeline on real Docker", () => {
  it("without services: docker, docker --version works but every daemon command fails like on Travis", async () => {
    const run = await pipeline("language: node_js\nscript:\n  - docker --version\n  - docker build -t x .\n");
    expect(run.dockerService).toBe(false);
    expect(run.result.state).toBe("failed");
    expect(run.result.steps.map((s) => s.exitCode)).toEqual([0, 0, 1]);
    expect(run.log.join("\n")).toMatch(/Cannot connect to the Docker daemon/);
    expect(run.records).toEqual([expect.objectContaining({ command: "daemon" })]);
  });

  it("with services: docker: login with the injected credentials, and a Docker Hub push lands in the run's registry", async () => {
    const run = await pipeline(
      [
        "language: node_js",
        "services: [docker]",
        "script:",
        "  - npm test",
        '  - docker build -t "$DOCKER_USERNAME/app" .',
        "after_success:",
        '  - echo "$DOCKER_PASSWORD" | docker login -u "$DOCKER_USERNAME" --password-stdin',
        '  - docker push "$DOCKER_USERNAME/app"',
        '  - echo "oops $DOCKER_PASSWORD"',
      ].join("\n"),
    );
    expect(run.result.state).toBe("passed");
    expect(run.result.steps.map((s) => `${s.phase}:${s.exitCode}`)).toEqual(["install:0", "script:0", "script:0", "after_success:0", "after_success:0", "after_success:0"]);
    expect(run.registryContents).toEqual({ "ci-user/app": ["latest"] });
    const log = run.log.join("\n");
    expect(log).not.toContain(credentials.password);
    expect(log).toContain(`oops ${MASK}`);
    expect(run.masked).toBe(1);
    expect(log).toMatch(/Done\. Your build exited with 0\./);
  });

  it("a wrong password (a literal in the file) is refused by the registry, and the push fails", async () => {
    const run = await pipeline(
      'language: node_js\nservices: [docker]\ninstall: skip\nscript: [docker build -t ci-user/app .]\nafter_success:\n  - docker login -u ci-user -p wrong-password\n  - docker push ci-user/app\n',
    );
    expect(run.result.state).toBe("passed"); // Travis ignores after_success failures...
    expect(run.registryContents).toEqual({}); // ...but nothing was pushed.
    expect(run.records.find((r) => r.command === "login")).toMatchObject({ passwordFrom: "flag", exitCode: 1 });
    expect(run.log.join("\n")).toMatch(/401 Unauthorized/);
  });

  it("forceTestFailure makes npm test fail, so after_success does not push", async () => {
    const yaml = 'language: node_js\nservices: [docker]\nscript: [npm test]\nafter_success: [echo pushed]\n';
    const run = await pipeline(yaml, {}, forceTestFailure);
    expect(run.result.state).toBe("failed");
    expect(run.result.failedAt[0]).toMatchObject({ command: "npm test", exitCode: 1 });
    expect(run.log.join("\n")).toMatch(/podlings makes this build's tests fail on purpose/);
    expect(run.result.steps.some((s) => s.phase === "after_success")).toBe(false);
  });

  it("the file's env overrides the settings variables, as on Travis", async () => {
    const run = await pipeline('language: node_js\ninstall: skip\nenv:\n  global:\n    - DOCKER_USERNAME=from-file\nscript: [echo "user=$DOCKER_USERNAME ci=$CI branch=$TRAVIS_BRANCH"]\n');
    expect(run.log).toContain("user=from-file ci=true branch=master");
  });
});
