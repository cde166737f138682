// The CI half of the check vocabulary: a .travis.yml is read, checked for
// literal secrets, and its job is run locally with Travis's phase rules against
// a local registry standing in for Docker Hub. Reads like the exercise README:
//
//   travisFileValid(".travis.yml"),
//   noLiteralSecrets(),
//   dockerLoginFromEnv(),
//   pipelineBuildsTestsPushes({ repository: "simple-node" }),
//   noPushWhenTestsFail(),
//   secretNeverShown(),
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Check, CheckContext, Verdict } from "../types.ts";
import { judgeNodeMajor } from "../node-lts.ts";
import type { StepRecord } from "../ci/phases.ts";
import { COMMAND_TIMEOUT_MS, forceTestFailure, newCredentials, runPipeline, type Credentials, type PipelineRun } from "../ci/pipeline.ts";
import { validateTravis } from "../ci/schema.ts";
import { dockerLogins, findLiteralSecrets, redactCommand } from "../ci/secrets.ts";
import { parseTravisYaml, travisJob, type ParsedTravis, type TravisJob } from "../ci/travis-file.ts";
import { containerName } from "./state.ts";

/** A whole local pipeline run: npm install, tests, an image build and a push. */
export const PIPELINE_TIMEOUT_MS = 8 * 60_000;

interface TravisFile {
  file: string;
  parsed: ParsedTravis;
  job: TravisJob;
}

interface CiRuns {
  credentials: Credentials;
  passing?: PipelineRun;
  failing?: PipelineRun;
}

const FILE = "ci:file";
const RUNS = "ci:runs";
const REPORTED = "ci:reported";

function travisFile(ctx: CheckContext): TravisFile {
  const f = ctx.state.get(FILE) as TravisFile | undefined;
  if (!f) throw new Error("the .travis.yml was not read in this run (check the exercise's needs)");
  return f;
}

function ciRuns(ctx: CheckContext): CiRuns {
  let r = ctx.state.get(RUNS) as CiRuns | undefined;
  if (!r) {
    r = { credentials: newCredentials() };
    ctx.state.set(RUNS, r);
  }
  return r;
}

/** Every text this exercise's checks report, so secretNeverShown can scan them too. */
function say(ctx: CheckContext, v: Verdict): Verdict {
  let list = ctx.state.get(REPORTED) as string[] | undefined;
  if (!list) ctx.state.set(REPORTED, (list = []));
  list.push([v.expected, v.observed, v.hint ?? "", ...(v.details ?? [])].join("\n"));
  return v;
}

function lastLogLines(run: PipelineRun, n: number): string[] {
  return run.log.filter((l) => l.trim()).slice(-n);
}

function stepWhere(s: StepRecord): string {
  return `\`${redactCommand(s.command)}\` (${s.phase}${s.line ? `, line ${s.line}` : ", Travis default"})`;
}

export function travisFileValid(file = ".travis.yml"): Check {
  return {
    id: "travis-yml-valid",
    title: `${file} is valid YAML and valid for Travis CI (SchemaStore schema)`,
    timeoutMs: 10_000,
    requires: [],
    async run(ctx) {
      const full = path.join(ctx.dir, file);
      if (!existsSync(full)) {
        return say(ctx, { ok: false, expected: `a ${file} in the exercise folder`, observed: `there is no ${file}`, hint: `restore it with \`podlings reset ${ctx.exercise.id}\`` });
      }
      const parsed = parseTravisYaml(readFileSync(full, "utf8"));
      if (parsed.errors.length) {
        const [first, ...more] = parsed.errors;
        return say(ctx, {
          ok: false,
          expected: `${file} parses as YAML`,
          observed: `line ${first!.line}, column ${first!.col}: ${first!.message}`,
          hint: "YAML is indentation-sensitive: list items start with \"- \" at the same column, and tabs are not allowed",
          details: more.slice(0, 3).map((e) => `line ${e.line}, column ${e.col}: ${e.message}`),
        });
      }
      const schema = validateTravis(parsed);
      if (!schema.ok) {
        return say(ctx, {
          ok: false,
          expected: `${file} is valid against SchemaStore's Travis CI schema`,
          observed: schema.problems.map((p) => `line ${p.line}, column ${p.col}: ${p.message}`).join("; "),
          hint: "compare the keys and values with the Travis reference in docs/ci.md",
        });
      }
      const job = travisJob(parsed);
      ctx.state.set(FILE, { file, parsed, job } satisfies TravisFile);
      const n = Object.values(job.phases).reduce((sum, c) => sum + (c?.length ?? 0), 0);
      return say(ctx, {
        ok: true,
        expected: "valid YAML, valid for Travis CI",
        observed: `language ${job.language ?? "(none)"}, services: ${job.services.join(", ") || "none"}, ${n} command(s)`,
      });
    },
  };
}

export function noLiteralSecrets(): Check {
  return {
    id: "no-literal-secret",
    title: "no password or token is written in .travis.yml",
    timeoutMs: 10_000,
    needs: ["travis-yml-valid"],
    requires: [],
    async run(ctx) {
      const f = travisFile(ctx);
      const findings = findLiteralSecrets(f.parsed, f.job);
      if (!findings.length) {
        return say(ctx, { ok: true, expected: "no literal secret", observed: `no literal password, token or random-looking string in ${f.file}` });
      }
      return say(ctx, {
        ok: false,
        expected: `credentials come from environment variables, never from ${f.file}`,
        observed: findings.map((x) => `line ${x.line}: ${x.message}`).join("; "),
        hint: "anyone who can read the repository can use it: change that password, then read it from $DOCKER_PASSWORD, set in the Travis settings (Settings → Environment Variables)",
      });
    },
  };
}

export function dockerLoginFromEnv(): Check {
  return {
    id: "docker-login-from-env",
    title: 'docker login reads "$DOCKER_PASSWORD" through --password-stdin, as "$DOCKER_USERNAME"',
    timeoutMs: 10_000,
    needs: ["travis-yml-valid"],
    requires: [],
    async run(ctx) {
      const f = travisFile(ctx);
      const logins = dockerLogins(f.job, ctx.dir);
      const example = 'echo "$DOCKER_PASSWORD" | docker login -u "$DOCKER_USERNAME" --password-stdin';
      if (!logins.length) {
        return say(ctx, {
          ok: false,
          expected: `a \`docker login\` before the push, in ${f.file} or a script it calls`,
          observed: "no `docker login` anywhere in the pipeline",
          hint: `Docker Hub wants a login before a push: ${example}`,
        });
      }
      const bad = logins.filter((l) => l.problems.length);
      if (bad.length) {
        return say(ctx, {
          ok: false,
          expected: `every login reads like: ${example}`,
          observed: bad.map((l) => `${l.where}: ${l.problems.join("; ")}`).join(" | "),
          hint: "--password-stdin keeps the password out of the process list and the log",
        });
      }
      return say(ctx, { ok: true, expected: example, observed: logins.map((l) => l.where).join(", ") });
    },
  };
}

/** Runs the job once: "passing" as the learner wrote it, "failing" on a copy whose tests fail. */
async function pipelineRun(ctx: CheckContext, kind: "passing" | "failing"): Promise<PipelineRun> {
  const runs = ciRuns(ctx);
  const failing = kind === "failing";
  const run = await runPipeline({
    dir: ctx.dir,
    job: travisFile(ctx).job,
    credentials: runs.credentials,
    registryName: containerName(ctx, failing ? "registry-failing" : "registry"),
    labels: ctx.labels,
    prepare: failing ? forceTestFailure : undefined,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    signal: ctx.signal,
    onLine: (l) => ctx.progress(`travis${failing ? " (tests made to fail)" : ""}: ${l}`),
  });
  runs[kind] = run;
  return run;
}

const TEST_COMMAND = /\bnpm\s+(run\s+|run-script\s+)?t(est)?\b|\bnode\s+--test\b|\byarn\s+test\b/;

/** Repositories named `repository` (under any namespace) that hold at least one tag. */
function arrived(run: PipelineRun, repository: string): string[] {
  return Object.entries(run.registryContents)
    .filter(([repo, tags]) => (repo === repository || repo.endsWith(`/${repository}`)) && tags.length)
    .flatMap(([repo, tags]) => tags.map((t) => `${repo}:${t}`));
}

function pushSteps(run: PipelineRun): StepRecord[] {
  return run.result.steps.filter((s) => /\bdocker\s+(image\s+)?push\b/.test(s.command) || /\.sh\b/.test(s.command));
}

/** Why a run did not end with an image in the registry: the hint a learner needs. */
function diagnose(run: PipelineRun): string {
  if (!run.dockerService || run.records.some((r) => r.command === "daemon")) {
    return "Travis starts a Docker daemon only when the file says `services: docker` (a top-level list); without it every docker command fails like this";
  }
  if (run.records.some((r) => r.command === "build" && r.exitCode !== 0)) {
    return "`docker build` failed: read the build log below, and try `docker build .` in the exercise folder";
  }
  const login = run.records.filter((r) => r.command === "login");
  if (login.some((r) => r.exitCode !== 0)) {
    return "the registry refused the login: log in as \"$DOCKER_USERNAME\" with the password from \"$DOCKER_PASSWORD\", the variables set in the Travis settings";
  }
  const pushes = run.records.filter((r) => r.command === "push");
  if (pushes.some((r) => !r.allowed)) return "push to Docker Hub names like \"$DOCKER_USERNAME/simple-node\"; other registries are not reachable from this run";
  if (pushes.some((r) => r.exitCode !== 0)) {
    return login.length ? "the push failed: push the name you built or tagged" : "the push failed: `docker login` must come before `docker push`";
  }
  if (!pushes.length) return "nothing ran `docker push`: push in after_success (or a deploy step), which Travis runs only when the tests passed";
  return "run the failing command by hand in the exercise folder";
}

export function pipelineBuildsTestsPushes(opts: { repository: string }): Check {
  return {
    id: "pipeline-builds-tests-pushes",
    title: "the pipeline, run locally with Travis's phases, builds, tests and pushes the image",
    timeoutMs: PIPELINE_TIMEOUT_MS,
    needs: ["travis-yml-valid"],
    requires: ["docker"],
    async run(ctx) {
      const f = travisFile(ctx);
      const run = await pipelineRun(ctx, "passing");
      const r = run.result;
      const details = lastLogLines(run, 15);
      const expected = `the build passes: \`docker build\`, the tests, then a push of */${opts.repository} to the registry standing in for Docker Hub`;
      if (r.state === "errored") {
        const s = r.erroredAt!;
        return say(ctx, {
          ok: false,
          expected,
          observed: `the build errored in ${s.phase}: ${stepWhere(s)} ${s.timedOut ? "ran out of time" : `exited ${s.exitCode}`}; Travis stops there`,
          hint: diagnose(run),
          details,
        });
      }
      if (r.state === "failed") {
        return say(ctx, {
          ok: false,
          expected,
          observed: `the build failed: ${r.failedAt.map((s) => `${stepWhere(s)} exited ${s.exitCode}`).join("; ")}`,
          hint: run.records.some((x) => x.command === "daemon" || x.exitCode !== 0)
            ? diagnose(run)
            : "the tests pass on this copy of the app; read the log below for what else failed",
          details,
        });
      }
      const built = run.records.some((x) => x.command === "build" && x.exitCode === 0);
      const tested = r.steps.some((s) => ["install", "before_script", "script"].includes(s.phase) && TEST_COMMAND.test(s.command) && s.exitCode === 0);
      const images = arrived(run, opts.repository);
      const missing = [
        built ? "" : "no `docker build` ran",
        tested ? "" : "the tests never ran (no `npm test` before or in script)",
        images.length ? "" : `nothing named */${opts.repository} reached the registry (it holds ${Object.keys(run.registryContents).join(", ") || "nothing"})`,
      ].filter(Boolean);
      if (missing.length) {
        const afterSuccess = pushSteps(run).find((s) => s.phase === "after_success" && s.exitCode !== 0);
        return say(ctx, {
          ok: false,
          expected,
          observed: `the build passed, but ${missing.join("; ")}`,
          hint: !tested
            ? "run `npm test` in script (it is Travis's default for node_js when script is left out)"
            : afterSuccess
              ? `${stepWhere(afterSuccess)} exited ${afterSuccess.exitCode}, yet the build passed: Travis ignores failures in after_success. ${diagnose(run)}`
              : diagnose(run),
          details,
        });
      }
      return say(ctx, {
        ok: true,
        expected,
        observed: `passed; pushed ${images.join(", ")}`,
        details: [
          ...r.notes,
          ...nodeVersionNotes(f.job),
          ...(f.job.nodeVersions.length ? [`node_js is not switched locally: the commands ran with Node ${process.version}`] : []),
        ],
      });
    },
  };
}

export function noPushWhenTestsFail(): Check {
  return {
    id: "no-push-when-tests-fail",
    title: "with failing tests, the build fails and nothing is pushed",
    timeoutMs: PIPELINE_TIMEOUT_MS,
    needs: ["pipeline-builds-tests-pushes"],
    requires: ["docker"],
    async run(ctx) {
      const run = await pipelineRun(ctx, "failing");
      const expected = "when the tests fail, the build fails and the registry stays empty";
      const images = Object.entries(run.registryContents).flatMap(([repo, tags]) => tags.map((t) => `${repo}:${t}`));
      if (images.length) {
        const push = pushSteps(run).find((s) => s.exitCode === 0);
        return say(ctx, {
          ok: false,
          expected,
          observed: `with failing tests the pipeline still pushed ${images.join(", ")}${push ? `, from ${stepWhere(push)}` : ""}`,
          hint: "a failing script command does not stop the later ones: push in after_success or a deploy step, which run only when script passed",
          details: lastLogLines(run, 12),
        });
      }
      if (run.result.state === "passed") {
        return say(ctx, {
          ok: false,
          expected,
          observed: "with failing tests the build still passed (nothing was pushed)",
          hint: "the tests must decide the build: run `npm test` in script, and don't hide its exit code (no `|| true`)",
          details: lastLogLines(run, 12),
        });
      }
      const where = run.result.erroredAt ?? run.result.failedAt[0];
      return say(ctx, {
        ok: true,
        expected,
        observed: `the build ${run.result.state}${where ? ` at ${stepWhere(where)}` : ""}; the registry stayed empty`,
      });
    },
  };
}

/** Forms of a secret that masking the exact value would miss. */
export function secretForms(c: Credentials): Array<{ name: string; value: string }> {
  const forms = [
    { name: "the password", value: c.password },
    { name: "the password in base64", value: Buffer.from(c.password).toString("base64") },
    { name: "user:password in base64 (an Authorization header or docker config)", value: Buffer.from(`${c.username}:${c.password}`).toString("base64") },
    { name: "the password in hex", value: Buffer.from(c.password).toString("hex") },
    { name: "the password URL-encoded", value: encodeURIComponent(c.password) },
  ];
  return forms.filter((f, i) => forms.findIndex((g) => g.value === f.value) === i);
}

export function secretNeverShown(): Check {
  return {
    id: "secret-never-shown",
    title: "the password never shows in the pipeline log or the report (masked as [secure])",
    timeoutMs: 10_000,
    needs: ["travis-yml-valid"],
    requires: ["docker"],
    async run(ctx) {
      const runs = ciRuns(ctx);
      const logs = [
        ["the pipeline log", runs.passing],
        ["the log of the run with failing tests", runs.failing],
      ].filter((x): x is [string, PipelineRun] => x[1] !== undefined);
      if (!logs.length) {
        return say(ctx, { ok: false, expected: "a pipeline log to scan", observed: "no pipeline ran in this check run", hint: "see the pipeline check above" });
      }
      const reported = (ctx.state.get(REPORTED) as string[] | undefined) ?? [];
      const leaks: string[] = [];
      for (const form of secretForms(runs.credentials)) {
        for (const [name, run] of logs) {
          const i = run.log.findIndex((l) => l.includes(form.value));
          if (i >= 0) leaks.push(`${form.name} in ${name}, line ${i + 1}`);
        }
        if (reported.some((t) => t.includes(form.value))) leaks.push(`${form.name} in a check report`);
      }
      const lines = logs.reduce((n, [, r]) => n + r.log.length, 0);
      const masked = logs.reduce((n, [, r]) => n + r.masked, 0);
      if (leaks.length) {
        return say(ctx, {
          ok: false,
          expected: "the injected password appears nowhere, in no form",
          observed: leaks.join("; "),
          hint: "never print a secret or anything computed from it; Travis masks only the exact value",
        });
      }
      return say(ctx, {
        ok: true,
        expected: "the password appears nowhere",
        observed: `scanned ${logs.length} log(s), ${lines} lines, and ${reported.length} report texts: no trace of the password; [secure] replaced it ${masked} time(s)`,
      });
    },
  };
}

/** A note for the pipeline check when node_js names an unsupported Node line. */
export function nodeVersionNotes(job: TravisJob, today = new Date()): string[] {
  return job.nodeVersions.flatMap((v) => {
    const m = /^v?(\d+)(\.|$)/.exec(v.trim());
    if (!m) return [];
    const major = Number(m[1]);
    const j = judgeNodeMajor(major, today);
    return j.ok ? [] : [`node_js ${v}: ${j.reason}`];
  });
}
