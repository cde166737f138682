// The CLI as a learner meets it: exit codes, one-line errors, Ctrl-C cleanup.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { docker } from "../harness/docker/client.ts";
import { PACKAGE_ROOT } from "../harness/exercises.ts";
import { eventually } from "../harness/eventually.ts";

/** A copy of the package, so a test can edit "the learner's copy" freely. */
function packageCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "podlings-cli-"));
  for (const f of ["harness", "exercises", "solutions", "clusters", "package.json"]) {
    cpSync(path.join(PACKAGE_ROOT, f), path.join(dir, f), { recursive: true });
  }
  symlinkSync(path.join(PACKAGE_ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

const copies: string[] = [];
afterAll(() => copies.forEach((d) => rmSync(d, { recursive: true, force: true })));

function cli(root: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [path.join(root, "harness/cli/main.ts"), ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 5 * 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function objectsOf(pid: number): Promise<number> {
  const f = { label: [`podlings.dev/pid=${pid}`] };
  const d = docker();
  const [c, n, i] = await Promise.all([d.listContainers({ all: true, filters: f }), d.listNetworks({ filters: f }), d.listImages({ filters: f })]);
  return c.length + n.length + i.length;
}

describe("podlings CLI", () => {
  it("check 01 on the starter exits 1 and says which check failed and why; with the solution applied it exits 0", () => {
    const root = packageCopy();
    copies.push(root);
    const before = cli(root, ["check", "01"]);
    expect(before.code).toBe(1);
    expect(before.out).toMatch(/✗ GET \/health returns 200 with today's date/);
    expect(before.out).toMatch(/observed: .*getData is not defined/);
    expect(before.out).toMatch(/2 of 4 checks pass/);

    cpSync(path.join(root, "solutions/01-debug-container"), path.join(root, "exercises/01-debug-container"), { recursive: true });
    const after = cli(root, ["check", "debug-container"]);
    expect(after.out).toMatch(/All 4 checks pass/);
    expect(after.code).toBe(0);
    expect(cli(root, ["list"]).out).toMatch(/01-debug-container\s+done/);
  });

  it("grade uses the package's checks, never the student's copy of them, and writes results.json + JUnit", () => {
    const student = mkdtempSync(path.join(tmpdir(), "podlings-student-"));
    copies.push(student);
    const ex = path.join(student, "exercises", "01-debug-container");
    cpSync(path.join(PACKAGE_ROOT, "exercises/01-debug-container"), ex, { recursive: true });
    // A student who "fixes" the checks instead of the app.
    writeFileSync(path.join(ex, "exercise.mts"), "export default { title: 'x', order: 1, requires: [], editable: [], hints: [], starterFails: [], checks: [] };\n");
    const out = path.join(student, "out");
    const r = cli(PACKAGE_ROOT, ["grade", student, "--exercise", "01", "--out", out]);
    expect(r.code).toBe(1);
    const results = JSON.parse(readFileSync(path.join(out, "results.json"), "utf8")) as { status: string; points: { earned: number; possible: number } };
    expect(results.status).toBe("fail");
    expect(results.points).toEqual({ earned: 2, possible: 4 });
    expect(readFileSync(path.join(out, "junit.xml"), "utf8")).toContain('tests="4" failures="2"');
  });

  it("with Docker unreachable: one clear line, exit 1, no stack trace", () => {
    const r = cli(PACKAGE_ROOT, ["check", "01"], { DOCKER_HOST: "unix:///tmp/podlings-no-docker.sock" });
    expect(r.code).toBe(1);
    expect(r.err.split("\n")[0]).toMatch(/^podlings: Docker is not running \(no answer from unix:\/\/\/tmp\/podlings-no-docker.sock: socket not found\)\.$/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("a wrong exercise id gets the list of real ones", () => {
    const r = cli(PACKAGE_ROOT, ["check", "42"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/No exercise "42"/);
    expect(r.err).toMatch(/01-debug-container/);
  });

  it("after Ctrl-C during a check, nothing with its label remains", async () => {
    const root = packageCopy();
    copies.push(root);
    const child = spawn(process.execPath, [path.join(root, "harness/cli/main.ts"), "check", "01"], { stdio: "pipe" });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    const pid = child.pid!;
    // Wait until the learner's container runs, then interrupt.
    await eventually(
      async () => {
        const c = await docker().listContainers({ filters: { label: [`podlings.dev/pid=${pid}`] } });
        return { done: c.length > 0, observed: `${c.length} container(s)` };
      },
      { what: "the check to start a container", timeoutMs: 120_000, intervalMs: 200 },
    );
    child.kill("SIGINT");
    const code = await exited;
    expect(code).not.toBe(0);
    expect(await objectsOf(pid)).toBe(0);
  });
});
