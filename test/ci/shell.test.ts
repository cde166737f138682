// The job's bash session: one shell for all commands (state carries over, as on
// Travis), exit codes per command, masked output, bounded waits.
import { afterEach, describe, expect, it } from "vitest";
import { createMasker, MASK } from "../../harness/ci/mask.ts";
import { openShell, type ShellSession } from "../../harness/ci/shell.ts";
import { tempDir } from "../support/submissions.ts";

const open: Array<{ s: ShellSession; dispose(): void }> = [];
afterEach(() => {
  for (const o of open.splice(0)) {
    o.s.close();
    o.dispose();
  }
});

function session(opts: { secrets?: string[]; timeoutMs?: number } = {}) {
  const tmp = tempDir("podlings-shell-");
  const lines: string[] = [];
  const masker = createMasker(opts.secrets ?? []);
  const s = openShell({
    cwd: tmp.dir,
    env: { PATH: "/usr/bin:/bin", HOME: tmp.dir, SECRET: "hunter2-very-secret" },
    commandTimeoutMs: opts.timeoutMs ?? 10_000,
    masker,
    onLine: (l) => lines.push(l),
  });
  open.push({ s, dispose: tmp.dispose });
  return { s, lines, masker, dir: tmp.dir };
}

describe("the job's bash session", () => {
  it("runs each command and reports its exit code", async () => {
    const { s, lines } = session();
    expect(await s.run("echo hello")).toEqual({ exitCode: 0, ended: false, timedOut: false });
    expect(await s.run("false")).toMatchObject({ exitCode: 1, ended: false });
    expect(await s.run("(exit 42)")).toMatchObject({ exitCode: 42 });
    expect(lines).toContain("hello");
  });

  it("keeps state between commands: cd, export and functions carry over", async () => {
    const { s, lines } = session();
    await s.run("mkdir -p sub && cd sub");
    await s.run("export GREETING=hi; greet() { echo \"$GREETING from $(basename \"$PWD\")\"; }");
    await s.run("greet");
    expect(lines).toContain("hi from sub");
  });

  it("setEnv exports a variable for the next commands, quoted safely", async () => {
    const { s, lines } = session();
    await s.setEnv("TRAVIS_TEST_RESULT", "it's 0");
    await s.run('echo "[$TRAVIS_TEST_RESULT]"');
    expect(lines).toContain("[it's 0]");
  });

  it("a syntax error fails that command only; the shell lives on", async () => {
    const { s } = session();
    const bad = await s.run("if then fi (");
    expect(bad.exitCode).not.toBe(0);
    expect(bad.ended).toBe(false);
    expect(await s.run("true")).toMatchObject({ exitCode: 0, ended: false });
  });

  it("`exit` ends the shell: that command and every later one report ended", async () => {
    const { s } = session();
    expect(await s.run("exit 3")).toMatchObject({ exitCode: 3, ended: true });
    expect(await s.run("echo never")).toMatchObject({ ended: true });
  });

  it("interleaves stderr with stdout and keeps output without a final newline", async () => {
    const { s, lines } = session();
    await s.run("echo one; echo two >&2; printf three");
    expect(lines).toEqual(["one", "two", "three"]);
  });

  it("commands read no stdin (like on Travis), so `cat` does not hang", async () => {
    const { s } = session({ timeoutMs: 3000 });
    expect(await s.run("cat")).toMatchObject({ exitCode: 0, timedOut: false });
  });

  it("masks secrets in every line, even printed by xtrace, and counts them", async () => {
    const { s, lines, masker } = session({ secrets: ["hunter2-very-secret"] });
    await s.run('echo "the secret is $SECRET"');
    await s.run('set -x; : "$SECRET"; set +x');
    expect(lines.join("\n")).not.toContain("hunter2-very-secret");
    expect(lines).toContain(`the secret is ${MASK}`);
    expect(masker.count).toBeGreaterThanOrEqual(2);
  });

  it("stops a command that runs past its time limit and says so", async () => {
    const { s, lines } = session({ timeoutMs: 500 });
    const t0 = Date.now();
    const r = await s.run("sleep 30");
    expect(r).toMatchObject({ timedOut: true, ended: true, exitCode: 124 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(lines.join("\n")).toMatch(/did not finish within 500 ms/);
  });
});

describe("masking", () => {
  it("replaces every occurrence, longest secret first, and ignores trivially short ones", () => {
    const m = createMasker(["abc", "abcdef", "x"]);
    expect(m.mask("abcdef abc x")).toBe(`${MASK} ${MASK} x`);
    expect(m.count).toBe(2);
  });
});
