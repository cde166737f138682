// What the docker shim does with a command line: image references, refusals,
// Docker Hub redirection, and the "no daemon" emulation.
import { describe, expect, it } from "vitest";
import { DAEMON_DOWN, parseRecords, planDockerCall, splitArgs, type ShimConfig } from "../../harness/registry/docker-shim.ts";
import { canonicalRepository, parseRef, sameRegistry } from "../../harness/registry/reference.ts";

const REG = "127.0.0.1:5123";
const cfg = (mode: ShimConfig["mode"]): ShimConfig => ({ realDocker: "/usr/bin/docker", mode, registry: REG, recordFile: "/dev/null", buildLabels: { "podlings.dev/run": "r1" } });

describe("image references", () => {
  it("reads registry, path, tag and digest as the docker CLI does", () => {
    expect(parseRef("simple-node")).toEqual({ registry: "docker.io", explicitRegistry: false, path: "simple-node", tag: undefined, digest: undefined });
    expect(parseRef("me/simple-node:1.0")).toMatchObject({ registry: "docker.io", path: "me/simple-node", tag: "1.0" });
    expect(parseRef(`${REG}/me/app:2@sha256:abc`)).toMatchObject({ registry: REG, explicitRegistry: true, path: "me/app", tag: "2", digest: "sha256:abc" });
    expect(parseRef("localhost/app")).toMatchObject({ registry: "localhost", path: "app" });
    expect(canonicalRepository(parseRef("simple-node:latest"))).toBe("docker.io/library/simple-node");
    expect(sameRegistry("localhost:5123", REG)).toBe(true);
  });
});

describe("docker shim, guard mode (exercise 02)", () => {
  it("forwards ordinary commands untouched", () => {
    expect(planDockerCall(["images"], cfg("guard"))).toEqual({ kind: "run", steps: [["images"]], notes: [] });
    expect(splitArgs(["--config", "/x", "image", "push", "a"])).toEqual({ globals: ["--config", "/x"], command: ["image", "push"], rest: ["a"] });
  });

  it("labels every build, so cleanup finds the learner's images, and records its tags", () => {
    const p = planDockerCall(["build", "-t", "simple-node", "."], cfg("guard"));
    expect(p).toMatchObject({ kind: "run", steps: [["build", "--label", "podlings.dev/run=r1", "-t", "simple-node", "."]], record: { command: "build", tags: ["simple-node"] } });
  });

  it("pushes to the run's registry pass; Docker Hub names are refused with the name to use", () => {
    expect(planDockerCall(["push", `${REG}/me/simple-node:1.2.3`], cfg("guard"))).toMatchObject({ kind: "run", record: { allowed: true } });
    const hub = planDockerCall(["push", "simple-node:latest"], cfg("guard"));
    expect(hub.kind).toBe("refuse");
    if (hub.kind !== "refuse") return;
    expect(hub.message).toMatch(/names Docker Hub \(docker\.io\/library\/simple-node\)/);
    expect(hub.message).toMatch(/"\$REGISTRY\/\$NAMESPACE\/simple-node:\$VERSION"/);
    expect(hub.record).toMatchObject({ command: "push", ref: "simple-node:latest", allowed: false });
  });

  it("refuses another registry, and a login anywhere but the run's registry", () => {
    expect(planDockerCall(["image", "push", "ghcr.io/me/app"], cfg("guard")).kind).toBe("refuse");
    expect(planDockerCall(["login", "-u", "me"], cfg("guard")).kind).toBe("refuse");
    expect(planDockerCall(["login", REG], cfg("guard")).kind).toBe("run");
  });
});

describe("docker shim, hub-to-local mode (a Travis run with services: docker)", () => {
  it("sends a Docker Hub push to the run's registry under the same name", () => {
    const p = planDockerCall(["push", "someuser/simple-node"], cfg("hub-to-local"));
    expect(p).toMatchObject({
      kind: "run",
      steps: [["tag", "someuser/simple-node", `${REG}/someuser/simple-node`], ["push", `${REG}/someuser/simple-node`]],
      record: { ref: "someuser/simple-node", target: `${REG}/someuser/simple-node`, allowed: true },
    });
  });

  it("pushes all tags of a Hub name with -a", () => {
    expect(planDockerCall(["push", "-a", "me/app"], cfg("hub-to-local"))).toMatchObject({ kind: "push-all", source: "me/app", target: `${REG}/me/app` });
  });

  it("logs in to the run's registry instead of Docker Hub, recording how the password came, never the password", () => {
    const p = planDockerCall(["login", "-u", "me", "--password-stdin"], cfg("hub-to-local"));
    expect(p).toMatchObject({ kind: "run", steps: [["login", "-u", "me", "--password-stdin", REG]], record: { username: "me", passwordFrom: "stdin" } });
    const flag = planDockerCall(["login", "-u", "me", "-p", "hunter22", "docker.io"], cfg("hub-to-local"));
    expect(flag).toMatchObject({ kind: "run", steps: [["login", "-u", "me", "-p", "hunter22", REG]], record: { passwordFrom: "flag" } });
    expect(JSON.stringify(flag.kind === "run" ? flag.record : {})).not.toContain("hunter22");
  });

  it("still refuses registries other than Docker Hub", () => {
    expect(planDockerCall(["push", "quay.io/me/app"], cfg("hub-to-local")).kind).toBe("refuse");
  });
});

describe("docker shim, no-daemon mode (no services: docker)", () => {
  it("fails like a CLI without a daemon, except for --version and help", () => {
    expect(planDockerCall(["build", "."], cfg("no-daemon"))).toMatchObject({ kind: "refuse", message: DAEMON_DOWN, exitCode: 1, record: { command: "daemon" } });
    expect(planDockerCall(["--version"], cfg("no-daemon")).kind).toBe("run");
    expect(planDockerCall(["push", "--help"], cfg("no-daemon")).kind).toBe("run");
  });
});

describe("shim records", () => {
  it("reads JSON lines and skips a torn last line", () => {
    expect(parseRecords('{"command":"push","allowed":true}\n{"command":"lo')).toEqual([{ command: "push", allowed: true }]);
  });
});
