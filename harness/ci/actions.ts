// The GitHub Actions workflow equivalent to a .travis.yml job (Travis is rarely
// used today; Actions is where such a pipeline lives now). The step conditions
// carry Travis's phase rules over:
//
//   setup phases      plain steps: the first failure skips everything after it
//   script            one step per command, each run unless setup failed
//                     (Travis runs the later script commands after a failure)
//   after_success     if: success()                          (exit code ignored)
//   after_failure     if: failure() and setup succeeded      (exit code ignored)
//   deploy (script)   if: success() and the branch/tag condition
//   after_script      if: setup succeeded                    (exit code ignored)
//
// Variables the commands read but the file does not set (DOCKER_PASSWORD, …)
// were Travis settings variables; in Actions they become repository secrets.
import { stringify } from "yaml";
import { parseTravisYaml, travisJob, PHASES, type Command, type PhaseName, type TravisJob } from "./travis-file.ts";
import { validateTravis } from "./schema.ts";
import { defaultCommands } from "./phases.ts";
import { findLiteralSecrets } from "./secrets.ts";

/** Travis's own variables, and what GitHub Actions calls them. */
const TRAVIS_VARIABLES: Record<string, string> = {
  TRAVIS_BRANCH: "${{ github.ref_name }}",
  TRAVIS_BUILD_NUMBER: "${{ github.run_number }}",
  TRAVIS_BUILD_DIR: "${{ github.workspace }}",
  TRAVIS_COMMIT: "${{ github.sha }}",
  TRAVIS_REPO_SLUG: "${{ github.repository }}",
  TRAVIS_TAG: "${{ github.ref_type == 'tag' && github.ref_name || '' }}",
  TRAVIS_EVENT_TYPE: "${{ github.event_name }}",
  TRAVIS_PULL_REQUEST: "${{ github.event.pull_request.number || 'false' }}",
};

/** Variables every shell has, or that Actions sets itself: never secrets. */
const ORDINARY = new Set(["HOME", "PATH", "PWD", "USER", "SHELL", "CI", "TRAVIS", "TRAVIS_TEST_RESULT", "TRAVIS_OS_NAME", "TRAVIS_JOB_NUMBER", "GITHUB_SHA", "GITHUB_REF"]);

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
  "continue-on-error"?: boolean;
}

/** Variables a command reads: $NAME and ${NAME}. */
export function variablesRead(commands: string[]): string[] {
  const names = new Set<string>();
  for (const c of commands) for (const m of c.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]!);
  return [...names];
}

function phaseCommands(job: TravisJob, phase: PhaseName, hasLockfile: boolean): Command[] {
  const given = job.phases[phase];
  if (given) return given;
  if (phase === "install" || phase === "script") {
    return defaultCommands(job, phase, { hasFile: (f) => f === "package.json" || (hasLockfile && f === "package-lock.json") });
  }
  return [];
}

function stepName(phase: string, command: string): string {
  const first = command.split("\n")[0]!;
  return `${phase}: ${first.length > 60 ? `${first.slice(0, 57)}...` : first}`;
}

export interface ActionsOptions {
  /** Whether the repository has a package-lock.json (Travis's default install is then `npm ci`). */
  hasLockfile?: boolean;
}

/** The workflow, as YAML text, for a .travis.yml that is valid; throws with the first problem otherwise. */
export function travisToActions(yamlText: string, opts: ActionsOptions = {}): string {
  const parsed = parseTravisYaml(yamlText);
  const valid = validateTravis(parsed);
  if (!valid.ok) {
    const p = valid.problems[0]!;
    throw new Error(`.travis.yml is not valid (line ${p.line}, column ${p.col}: ${p.message}); fix it first`);
  }
  const job = travisJob(parsed);
  // Translating a file with a password in it would copy the leak into a new file.
  const leaks = findLiteralSecrets(parsed, job);
  if (leaks.length) {
    throw new Error(`.travis.yml has a literal secret (line ${leaks[0]!.line}: ${leaks[0]!.message}); fix that first, then translate it`);
  }
  const lock = opts.hasLockfile ?? false;
  const all = PHASES.flatMap((p) => phaseCommands(job, p, lock)).concat(job.deploy.flatMap((d) => d.commands));
  const commandTexts = all.map((c) => c.text);

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(job.env)) env[k] = v;
  const secrets: string[] = [];
  for (const name of variablesRead(commandTexts)) {
    if (name in env || ORDINARY.has(name)) continue;
    if (TRAVIS_VARIABLES[name]) env[name] = TRAVIS_VARIABLES[name]!;
    else if (!name.startsWith("TRAVIS_") && !name.startsWith("GITHUB_") && /^[A-Z][A-Z0-9_]*$/.test(name)) {
      env[name] = `\${{ secrets.${name} }}`;
      secrets.push(name);
    }
  }

  const matrix = job.language === "node_js" && job.nodeVersions.length > 1;
  const steps: Step[] = [{ name: "check out the repository", uses: "actions/checkout@v4", id: "checkout" }];
  let lastSetup = "checkout";
  if (job.language === "node_js") {
    steps.push({
      name: "set up Node.js",
      id: "setup_node",
      uses: "actions/setup-node@v4",
      with: { "node-version": matrix ? "${{ matrix.node-version }}" : (job.nodeVersions[0] ?? "lts/*") },
    });
    lastSetup = "setup_node";
  }
  let n = 0;
  for (const phase of ["before_install", "install", "before_script"] as const) {
    for (const c of phaseCommands(job, phase, lock)) {
      const id = `${phase}_${++n}`;
      steps.push({ name: stepName(phase, c.text), id, run: c.text });
      lastSetup = id;
    }
  }
  const setupOk = `steps.${lastSetup}.outcome == 'success'`;
  for (const c of phaseCommands(job, "script", lock)) {
    steps.push({ name: stepName("script", c.text), if: `\${{ !cancelled() && ${setupOk} }}`, run: c.text });
  }
  for (const c of phaseCommands(job, "after_success", lock)) {
    steps.push({ name: stepName("after_success", c.text), if: "${{ success() }}", run: c.text, "continue-on-error": true });
  }
  for (const c of phaseCommands(job, "after_failure", lock)) {
    steps.push({ name: stepName("after_failure", c.text), if: `\${{ failure() && ${setupOk} }}`, run: c.text, "continue-on-error": true });
  }
  const deploys = job.deploy.filter((d) => d.provider === "script" && d.commands.length);
  if (deploys.length) {
    for (const c of phaseCommands(job, "before_deploy", lock)) steps.push({ name: stepName("before_deploy", c.text), if: "${{ success() }}", run: c.text });
    for (const d of deploys) {
      const cond = deployCondition(parsed.data as Record<string, unknown>, job.deploy.indexOf(d));
      for (const c of d.commands) steps.push({ name: stepName("deploy", c.text), if: `\${{ success()${cond} }}`, run: c.text });
    }
    for (const c of phaseCommands(job, "after_deploy", lock)) {
      steps.push({ name: stepName("after_deploy", c.text), if: "${{ success() }}", run: c.text, "continue-on-error": true });
    }
  }
  for (const c of phaseCommands(job, "after_script", lock)) {
    steps.push({ name: stepName("after_script", c.text), if: `\${{ !cancelled() && ${setupOk} }}`, run: c.text, "continue-on-error": true });
  }

  const workflow = {
    name: "CI",
    on: { push: null, pull_request: null },
    jobs: {
      build: {
        "runs-on": "ubuntu-latest",
        ...(matrix ? { strategy: { matrix: { "node-version": job.nodeVersions } } } : {}),
        ...(Object.keys(env).length ? { env } : {}),
        steps,
      },
    },
  };

  const header = [
    "# GitHub Actions equivalent of .travis.yml, written by podlings (harness/ci/actions.ts).",
    "# Save it as .github/workflows/ci.yml.",
    ...(job.services.includes("docker") ? ["# services: docker is not needed: Docker already runs on GitHub's ubuntu runners."] : []),
    ...(secrets.length
      ? [`# Add these as repository secrets (Settings → Secrets and variables → Actions): ${secrets.join(", ")}.`]
      : []),
    ...job.deploy.filter((d) => d.provider !== "script").map((d) => `# deploy provider ${d.provider} has no direct equivalent here: use its GitHub Action.`),
    "",
  ];
  return header.join("\n") + stringify(workflow, { lineWidth: 0, nullStr: "" });
}

function deployCondition(data: Record<string, unknown>, index: number): string {
  const raw = Array.isArray(data.deploy) ? data.deploy[index] : data.deploy;
  const on = ((raw as Record<string, unknown> | undefined)?.on ?? {}) as Record<string, unknown>;
  if (on.tags === true) return " && github.ref_type == 'tag'";
  if (on.branch !== undefined && on.all_branches !== true) {
    const branches = (Array.isArray(on.branch) ? on.branch : [on.branch]).map(String);
    return ` && (${branches.map((b) => `github.ref_name == '${b}'`).join(" || ")})`;
  }
  return "";
}
