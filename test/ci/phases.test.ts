// Travis's job lifecycle rules, without a shell or Docker: commands "run" by
// looking up a scripted exit code.
import { describe, expect, it } from "vitest";
import { defaultCommands, runJob, type JobExecutor } from "../../harness/ci/phases.ts";
import { parseTravisYaml, travisJob } from "../../harness/ci/travis-file.ts";

interface FakeRun {
  ran: string[];
  log: string[];
  env: Record<string, string>;
}

/** Runs `yaml` with commands exiting as `codes` says (0 by default; "exit" ends the shell). */
async function run(yaml: string, codes: Record<string, number | "exit" | "timeout"> = {}, files: string[] = ["package.json"]) {
  const job = travisJob(parseTravisYaml(yaml));
  const fake: FakeRun = { ran: [], log: [], env: {} };
  const exec: JobExecutor = {
    async run(command) {
      fake.ran.push(command);
      const c = codes[command] ?? 0;
      if (c === "exit") return { exitCode: 3, ended: true, timedOut: false };
      if (c === "timeout") return { exitCode: 124, ended: true, timedOut: true };
      return { exitCode: c, ended: false, timedOut: false };
    },
    async setEnv(k, v) {
      fake.env[k] = v;
    },
    log: (l) => fake.log.push(l),
  };
  const result = await runJob(job, exec, { hasFile: (f) => files.includes(f) });
  return { result, ...fake };
}

const ALL = `
language: node_js
before_install: [bi]
install: [in]
before_script: [bs]
script: [s1, s2, s3]
after_success: [as]
after_failure: [af]
before_deploy: [bd]
deploy:
  provider: script
  script: dp
after_deploy: [ad]
after_script: [asc]
`;

describe("Travis phase semantics", () => {
  it("a passing job runs every phase in the documented order, after_failure excepted", async () => {
    const r = await run(ALL);
    expect(r.ran).toEqual(["bi", "in", "bs", "s1", "s2", "s3", "as", "bd", "dp", "ad", "asc"]);
    expect(r.result.state).toBe("passed");
    expect(r.env.TRAVIS_TEST_RESULT).toBe("0");
    expect(r.log.at(-1)).toBe("Done. Your build exited with 0.");
  });

  it.each(["bi", "in", "bs"])("a failing %s errors the job, which stops at once (no after_* phase)", async (cmd) => {
    const r = await run(ALL, { [cmd]: 2 });
    expect(r.result.state).toBe("errored");
    expect(r.result.erroredAt).toMatchObject({ command: cmd, exitCode: 2 });
    expect(r.ran.at(-1)).toBe(cmd);
    expect(r.ran).not.toContain("asc");
    expect(r.log).toContain(`The command "${cmd}" failed and exited with 2 during ${r.result.erroredAt!.phase}.`);
  });

  it("a failing script command fails the job, but the later script commands still run", async () => {
    const r = await run(ALL, { s1: 1 });
    expect(r.result.state).toBe("failed");
    expect(r.ran).toEqual(["bi", "in", "bs", "s1", "s2", "s3", "af", "asc"]);
    expect(r.result.failedAt.map((s) => s.command)).toEqual(["s1"]);
    expect(r.env.TRAVIS_TEST_RESULT).toBe("1");
    expect(r.log).toContain('The command "s1" exited with 1.');
  });

  it("after_success runs only when script passed; after_failure only when it failed", async () => {
    expect((await run(ALL)).ran).toContain("as");
    expect((await run(ALL)).ran).not.toContain("af");
    expect((await run(ALL, { s3: 1 })).ran).toContain("af");
    expect((await run(ALL, { s3: 1 })).ran).not.toContain("as");
  });

  it("exit codes of after_success, after_failure, after_deploy and after_script change nothing", async () => {
    expect((await run(ALL, { as: 1, ad: 1, asc: 1 })).result.state).toBe("passed");
    const failing = await run(ALL, { s2: 1, af: 0, asc: 9 });
    expect(failing.result.state).toBe("failed");
  });

  it("deploy runs only when script passed; a failing deploy fails the job", async () => {
    expect((await run(ALL, { s1: 1 })).ran).not.toContain("dp");
    const r = await run(ALL, { dp: 1 });
    expect(r.result.state).toBe("failed");
    expect(r.ran).toEqual(["bi", "in", "bs", "s1", "s2", "s3", "as", "bd", "dp", "ad", "asc"]);
  });

  it("a failing before_deploy skips deploy and fails the job", async () => {
    const r = await run(ALL, { bd: 1 });
    expect(r.result.state).toBe("failed");
    expect(r.ran).not.toContain("dp");
    expect(r.ran).toContain("asc");
  });

  it("deploy conditions: a tags-only or other-branch deploy is skipped, with the reason", async () => {
    const tags = await run("language: node_js\nscript: [t]\ndeploy:\n  provider: script\n  script: dp\n  on:\n    tags: true\n");
    expect(tags.ran).not.toContain("dp");
    expect(tags.result.skipped.join()).toMatch(/tag builds only/);
    const branch = await run("language: node_js\nscript: [t]\ndeploy:\n  - provider: script\n    script: dp\n    on:\n      branch: release\n");
    expect(branch.result.skipped.join()).toMatch(/release only/);
    const master = await run("language: node_js\nscript: [t]\ndeploy:\n  - provider: script\n    script: dp\n    on:\n      branch: master\n");
    expect(master.ran).toContain("dp");
  });

  it("other deploy providers are not emulated, and the notes say so", async () => {
    const r = await run("language: node_js\nscript: [t]\ndeploy:\n  provider: heroku\n  api_key: x\n");
    expect(r.result.notes.join()).toMatch(/provider "heroku" is not emulated/);
    expect(r.result.state).toBe("passed");
  });

  it("an `exit` (the shell ends) or a timeout stops the job as errored", async () => {
    const exited = await run(ALL, { s2: "exit" });
    expect(exited.result.state).toBe("errored");
    expect(exited.ran).toEqual(["bi", "in", "bs", "s1", "s2"]);
    const slow = await run(ALL, { in: "timeout" });
    expect(slow.result.state).toBe("errored");
    expect(slow.result.erroredAt).toMatchObject({ command: "in", timedOut: true });
    expect(slow.log.join("\n")).toMatch(/ran out of time during install/);
  });
});

describe("language: node_js defaults", () => {
  const job = travisJob(parseTravisYaml("language: node_js\n"));

  it("install is `npm ci` with a lockfile, `npm install` without; script is `npm test`", () => {
    expect(defaultCommands(job, "install", { hasFile: (f) => ["package.json", "package-lock.json"].includes(f) })[0]!.text).toBe("npm ci");
    expect(defaultCommands(job, "install", { hasFile: (f) => f === "package.json" })[0]!.text).toBe("npm install");
    expect(defaultCommands(job, "script", { hasFile: () => true })[0]!.text).toBe("npm test");
  });

  it("a job that sets no install or script runs the defaults", async () => {
    const r = await run("language: node_js\n");
    expect(r.ran).toEqual(["npm install", "npm test"]);
  });

  it("`install: skip` (or false) runs no install at all", async () => {
    expect((await run("language: node_js\ninstall: skip\n")).ran).toEqual(["npm test"]);
    expect((await run("language: node_js\ninstall: false\n")).ran).toEqual(["npm test"]);
  });

  it("other languages get no defaults, and a note", async () => {
    const r = await run("language: python\n");
    expect(r.ran).toEqual([]);
    expect(r.result.notes.join()).toMatch(/language python is not emulated/);
  });
});
