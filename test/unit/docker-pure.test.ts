import { describe, expect, it } from "vitest";
import { demux } from "../../harness/docker/logs.ts";
import { isIgnored } from "../../harness/docker/build.ts";
import { hostConfig } from "../../harness/docker/run.ts";
import { isStale } from "../../harness/docker/cleanup.ts";
import { runLabels } from "../../harness/docker/labels.ts";

function frame(kind: number, text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = kind;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe("docker helpers without an engine", () => {
  it("demultiplexes stdout and stderr frames", () => {
    expect(demux(Buffer.concat([frame(1, "listening\n"), frame(2, "Error: boom\n")]))).toBe("listening\nError: boom\n");
    expect(demux(Buffer.from("plain tty output"))).toBe("plain tty output");
  });

  it("never sends node_modules or .git, and honours .dockerignore patterns", () => {
    const p = ["node_modules", ".git", "*.log", "secrets"];
    expect(isIgnored("node_modules/express/index.js", p)).toBe(true);
    expect(isIgnored(".git/HEAD", p)).toBe(true);
    expect(isIgnored("npm-debug.log", p)).toBe(true);
    expect(isIgnored("secrets/key", p)).toBe(true);
    expect(isIgnored("server.js", p)).toBe(false);
  });

  it("confines containers: limits, no privileges, loopback-only ports", () => {
    const h = hostConfig({ image: "x", name: "x", labels: {}, ports: [8080] });
    expect(h.Privileged).toBe(false);
    expect(h.Memory).toBe(256 * 1024 * 1024);
    expect(h.PidsLimit).toBe(256);
    expect(h.NanoCpus).toBe(1e9);
    expect(h.CapDrop).toEqual(["ALL"]);
    expect(h.SecurityOpt).toContain("no-new-privileges");
    expect(h.PortBindings).toEqual({ "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] });
  });

  it("treats objects of a live process as in use and of a dead one as stale", () => {
    expect(isStale(runLabels("r1"))).toBe(false); // this very process
    expect(isStale({ ...runLabels("r1"), "podlings.dev/pid": "999999999" })).toBe(true);
    expect(isStale({ ...runLabels("r1"), "podlings.dev/host": "another-host", "podlings.dev/pid": "999999999" })).toBe(false);
    expect(isStale({ other: "label" })).toBe(false);
  });
});

describe("build failure hints", async () => {
  const { baseImageUnavailable } = await import("../../harness/checks/docker.ts");
  it("recognises a base image that cannot be fetched", () => {
    expect(baseImageUnavailable("Step 1/7 : FROM node:24-alpine", 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host')).toBe(true);
    expect(baseImageUnavailable("Step 1/7 : FROM node:99", "manifest for node:99 not found: manifest unknown")).toBe(true);
    expect(baseImageUnavailable("Step 4/7 : RUN npm install", "The command '/bin/sh -c npm install' returned a non-zero code: 1")).toBe(false);
  });
});
