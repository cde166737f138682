// The GitHub Actions workflow printed for a passing .travis.yml.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { travisToActions, variablesRead } from "../../harness/ci/actions.ts";

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  "continue-on-error"?: boolean;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: { build: { "runs-on": string; env?: Record<string, string>; strategy?: { matrix: Record<string, string[]> }; steps: Step[] } };
}

const solution = readFileSync(new URL("../../solutions/03-travis-env-vars/.travis.yml", import.meta.url), "utf8");

describe("travisToActions", () => {
  const text = travisToActions(solution);
  const wf = parse(text) as Workflow;
  const steps = wf.jobs.build.steps;
  const step = (run: string) => steps.find((s) => s.run === run)!;

  it("prints valid YAML with a header saying where to save it and which secrets to add", () => {
    expect(text).toMatch(/^# GitHub Actions equivalent of \.travis\.yml/);
    expect(text).toMatch(/\.github\/workflows\/ci\.yml/);
    expect(text).toMatch(/repository secrets.*DOCKER_USERNAME, DOCKER_PASSWORD/);
    expect(wf.jobs.build["runs-on"]).toBe("ubuntu-latest");
    expect(Object.keys(wf.on)).toEqual(["push", "pull_request"]);
  });

  it("reads the settings variables from repository secrets", () => {
    expect(wf.jobs.build.env).toEqual({
      DOCKER_USERNAME: "${{ secrets.DOCKER_USERNAME }}",
      DOCKER_PASSWORD: "${{ secrets.DOCKER_PASSWORD }}",
    });
  });

  it("checks out, sets up the node_js version, then runs the phases in order", () => {
    expect(steps[0]!.uses).toBe("actions/checkout@v4");
    expect(steps[1]).toMatchObject({ uses: "actions/setup-node@v4", with: { "node-version": "22" } });
    expect(steps.slice(2).map((s) => s.run)).toEqual([
      "npm install",
      "npm test",
      "docker build -t simple-node .",
      'docker tag simple-node "$DOCKER_USERNAME/simple-node:latest"',
      'echo "$DOCKER_PASSWORD" | docker login -u "$DOCKER_USERNAME" --password-stdin',
      'docker push "$DOCKER_USERNAME/simple-node:latest"',
    ]);
  });

  it("carries Travis's rules over: script steps all run unless setup failed; after_success only on success", () => {
    expect(step("npm install").if).toBeUndefined();
    expect(step("docker build -t simple-node .").if).toBe("${{ !cancelled() && steps.install_1.outcome == 'success' }}");
    expect(step('docker push "$DOCKER_USERNAME/simple-node:latest"')).toMatchObject({ if: "${{ success() }}", "continue-on-error": true });
  });

  it("maps after_failure, deploy conditions, Travis variables and a node_js matrix", () => {
    const wf2 = parse(
      travisToActions(
        'language: node_js\nnode_js: ["22", "24"]\nscript: [npm test]\nafter_failure: [cat npm-debug.log]\n' +
          'deploy:\n  provider: script\n  script: ./release.sh "$TRAVIS_BUILD_NUMBER"\n  on:\n    branch: main\n',
      ),
    ) as Workflow;
    const s = wf2.jobs.build.steps;
    expect(wf2.jobs.build.strategy).toEqual({ matrix: { "node-version": ["22", "24"] } });
    expect(s.find((x) => x.run === "cat npm-debug.log")!.if).toBe("${{ failure() && steps.install_1.outcome == 'success' }}");
    expect(s.find((x) => x.run?.startsWith("./release.sh"))!.if).toBe("${{ success() && (github.ref_name == 'main') }}");
    expect(wf2.jobs.build.env).toEqual({ TRAVIS_BUILD_NUMBER: "${{ github.run_number }}" });
  });

  it("refuses an invalid .travis.yml with the line of the first problem", () => {
    expect(() => travisToActions("services:\n  - dockr\n")).toThrow(/line 2, column 5/);
  });

  it("finds the variables commands read", () => {
    expect(variablesRead(['echo "$A ${B}" $1 \\$C'])).toEqual(["A", "B", "C"]);
  });
});
