// On the real engine: the local registry (with and without a login), the docker
// shim between a script and the real CLI, and the script runner's time limit.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeRun } from "../../harness/docker/cleanup.ts";
import { newRunId, runLabels } from "../../harness/docker/labels.ts";
import { docker } from "../../harness/docker/client.ts";
import { getManifest, listAll, pingRegistry } from "../../harness/registry/api.ts";
import { startLocalRegistry } from "../../harness/registry/local.ts";
import { createSandbox, hideLabelSteps } from "../../harness/registry/sandbox.ts";
import { runScript } from "../../harness/registry/script.ts";
import { tempDir } from "../support/submissions.ts";

const runId = newRunId();
const labels = runLabels(runId);
afterAll(() => removeRun(runId));

describe("a local registry and the docker shim, on real Docker", () => {
  it("an open registry: a script pushes through the shim; Docker Hub is refused and recorded", async () => {
    const reg = await startLocalRegistry({ name: `podlings-test-reg-${runId}`, labels });
    const sb = createSandbox({ mode: "guard", registry: reg.host, labels });
    const ctx = tempDir("podlings-shim-");
    try {
      expect(await pingRegistry(reg)).toBe(200);
      writeFileSync(path.join(ctx.dir, "Dockerfile"), "FROM node:24-alpine\nRUN echo built > /built\n");
      const script = [
        "set -u",
        "docker build -t podlings-shim-test .",
        'docker tag podlings-shim-test "$REGISTRY/me/shim-test:1.0"',
        'docker push "$REGISTRY/me/shim-test:1.0"',
        "docker tag podlings-shim-test me/shim-test:1.0",
        "docker push me/shim-test:1.0 || echo refused=$?",
        'echo "config=$DOCKER_CONFIG home=$HOME"',
        'echo "host-var=${PODLINGS_TEST_HOST_VAR:-absent}"',
      ].join("\n");
      process.env.PODLINGS_TEST_HOST_VAR = "leaked";
      const r = await runScript(["bash", "-c", script], { cwd: ctx.dir, env: sb.env({ REGISTRY: reg.host }), timeoutMs: 120_000 });
      delete process.env.PODLINGS_TEST_HOST_VAR;
      expect(r.exitCode).toBe(0);
      expect(r.output).toMatch(/refusing `docker push me\/shim-test:1.0`: it names Docker Hub/);
      expect(r.output).toMatch(/refused=1/);
      expect(r.output).toMatch(new RegExp(`config=${sb.root}/docker-config home=${sb.root}/home`));
      expect(r.output).toMatch(/host-var=absent/);
      expect(hideLabelSteps(r.output)).not.toMatch(/LABEL podlings\.dev/);
      expect(await listAll(reg)).toEqual({ "me/shim-test": ["1.0"] });
      const pushes = sb.records().filter((x) => x.command === "push");
      expect(pushes).toEqual([
        expect.objectContaining({ command: "push", ref: `${reg.host}/me/shim-test:1.0`, target: `${reg.host}/me/shim-test:1.0`, allowed: true, exitCode: 0 }),
        expect.objectContaining({ command: "push", ref: "me/shim-test:1.0", allowed: false, exitCode: 1 }),
      ]);
      // The build was labelled by the shim, so cleanup by label finds it.
      const img = await docker().getImage("podlings-shim-test").inspect();
      expect(img.Config.Labels?.["podlings.dev/run"]).toBe(runId);
      const m = await getManifest(reg, "me/shim-test", "1.0");
      expect(m?.configDigest).toBe(img.Id);
      // The shim recorded what it pushed, right after the push.
      expect(pushes[0]!.imageId).toBe(img.Id);
      expect(pushes[0]!.repoDigests).toContain(`${reg.host}/me/shim-test@${m!.digest}`);
    } finally {
      sb.dispose();
      ctx.dispose();
      await reg.stop();
    }
  });

  it("a registry with a login: the right password logs in, a wrong one is refused (htpasswd, bcrypt)", async () => {
    const auth = { username: "learner", password: "correct-horse-42" };
    const reg = await startLocalRegistry({ name: `podlings-test-reg-auth-${runId}`, labels, auth });
    const sb = createSandbox({ mode: "hub-to-local", registry: reg.host, labels });
    try {
      expect(await pingRegistry({ host: reg.host })).toBe(401);
      expect(await pingRegistry(reg)).toBe(200);
      const env = sb.env({ PW: auth.password });
      const wrong = await runScript(["bash", "-c", "echo nope | docker login -u learner --password-stdin"], { cwd: sb.root, env, timeoutMs: 30_000 });
      expect(wrong.exitCode).not.toBe(0);
      expect(wrong.output).toMatch(/401 Unauthorized/);
      const right = await runScript(["bash", "-c", 'echo "$PW" | docker login -u learner --password-stdin'], { cwd: sb.root, env, timeoutMs: 30_000 });
      expect(right.exitCode).toBe(0);
      expect(right.output).toMatch(/Login Succeeded/);
      expect(right.output).toMatch(/Docker Hub is simulated in this run/);
    } finally {
      sb.dispose();
      await reg.stop();
    }
  });

  it("the script runner stops a script (and what it started) at its time limit", async () => {
    const t0 = Date.now();
    const r = await runScript(["bash", "-c", "sleep 60 & sleep 60"], { cwd: "/", env: { PATH: "/usr/bin:/bin" }, timeoutMs: 500 });
    expect(r.timedOut).toBe(true);
    expect(r.output).toMatch(/stopped after 500 ms/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
