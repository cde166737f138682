// Reading .travis.yml: YAML errors with line and column, and the one job podlings runs.
import { describe, expect, it } from "vitest";
import { allCommands, parseEnvAssignments, parseTravisYaml, positionOf, travisJob } from "../../harness/ci/travis-file.ts";

describe("parsing .travis.yml", () => {
  it("reports a YAML error with its line and column", () => {
    const p = parseTravisYaml("language: node_js\nscript:\n  - npm test\n - docker build .\n");
    expect(p.errors.length).toBeGreaterThan(0);
    expect(p.errors[0]).toMatchObject({ line: 4 });
    expect(p.errors[0]!.col).toBeGreaterThan(0);
    expect(p.data).toBeUndefined();
  });

  it("reports duplicate keys (the second silently wins in many parsers)", () => {
    const p = parseTravisYaml("script: [a]\nscript: [b]\n");
    expect(p.errors[0]).toMatchObject({ line: 2 });
    expect(p.errors[0]!.message).toMatch(/unique/i);
  });

  it("finds the position of a JSON pointer", () => {
    const p = parseTravisYaml("language: node_js\nscript:\n  - npm test\n  - docker build .\n");
    expect(positionOf(p, "/script/1")).toEqual({ line: 4, col: 5 });
  });

  it("normalises phases: a string or a list, with the line of each command", () => {
    const job = travisJob(parseTravisYaml("language: node_js\ninstall: npm ci\nscript:\n  - npm test\n  - echo done\n"));
    expect(job.phases.install).toEqual([{ text: "npm ci", phase: "install", line: 2 }]);
    expect(job.phases.script!.map((c) => [c.text, c.line])).toEqual([["npm test", 4], ["echo done", 5]]);
    expect(job.phases.before_install).toBeUndefined();
  });

  it("reads services, node_js and env (global entries; secure ones are skipped with a note)", () => {
    const job = travisJob(
      parseTravisYaml('services:\n  - docker\nnode_js: ["22", "24"]\nenv:\n  global:\n    - A=1 B="two words"\n    - secure: "xyz="\n'),
    );
    expect(job.services).toEqual(["docker"]);
    expect(job.nodeVersions).toEqual(["22", "24"]);
    expect(job.env).toEqual({ A: "1", B: "two words" });
    expect(job.notes.join()).toMatch(/secure/);
  });

  it("a list of env entries is a matrix: the first entry is used, with a note", () => {
    const job = travisJob(parseTravisYaml("env:\n  - X=1\n  - X=2\n"));
    expect(job.env).toEqual({ X: "1" });
    expect(job.notes.join()).toMatch(/matrix/);
  });

  it("lists every command in lifecycle order, deploy scripts included", () => {
    const job = travisJob(parseTravisYaml("after_script: [z]\nscript: [s]\ndeploy:\n  provider: script\n  script: d\nbefore_install: [a]\n"));
    expect(allCommands(job).map((c) => c.text)).toEqual(["a", "s", "d", "z"]);
  });

  it("parses env assignments with quotes", () => {
    expect(parseEnvAssignments(`A=1 B='x y' C="z" D=`)).toEqual({ A: "1", B: "x y", C: "z", D: "" });
  });
});
