// The Travis CI job lifecycle, as documented (docs.travis-ci.com/user/job-lifecycle):
//
//   before_install → install → before_script → script →
//   after_success | after_failure → before_deploy → deploy → after_deploy → after_script
//
// - a failing command in before_install, install or before_script *errors* the
//   job, which stops at once;
// - a failing `script` command marks the job *failed*, and the later script
//   commands still run;
// - after_success runs only when script passed, after_failure only when it failed;
//   their exit codes (and those of after_deploy and after_script) change nothing;
// - deploy (provider: script only) runs only when script passed; a failing
//   before_deploy or deploy command fails the job.
//
// Pure: commands run through a JobExecutor, so these rules are tested without
// a shell (test/ci/phases.test.ts).
import type { CommandOutcome } from "./shell.ts";
import type { Command, PhaseName, TravisJob } from "./travis-file.ts";

export type JobState = "passed" | "failed" | "errored";

export interface StepRecord {
  phase: PhaseName | "deploy";
  command: string;
  /** Line in .travis.yml; absent for language defaults. */
  line?: number;
  exitCode: number;
  timedOut?: boolean;
}

export interface JobResult {
  state: JobState;
  steps: StepRecord[];
  /** The command that errored the job (setup phases, a timeout, or an `exit`). */
  erroredAt?: StepRecord;
  /** Commands that failed the job (script, before_deploy, deploy). */
  failedAt: StepRecord[];
  /** Phases that did not run, and why (e.g. "after_success: script failed"). */
  skipped: string[];
  notes: string[];
}

export interface JobExecutor {
  run(command: string): Promise<CommandOutcome>;
  setEnv(name: string, value: string): Promise<void>;
  /** A line of the job log written by the runner itself ("$ npm test", "Done. …"). */
  log(line: string): void;
}

export interface Workspace {
  hasFile(relative: string): boolean;
}

/** Commands Travis runs for a phase the file leaves out. */
export function defaultCommands(job: TravisJob, phase: "install" | "script", ws: Workspace): Command[] {
  if (job.language !== "node_js") return [];
  if (phase === "install") {
    const lock = ws.hasFile("package-lock.json") || ws.hasFile("npm-shrinkwrap.json");
    return ws.hasFile("package.json") ? [{ text: lock ? "npm ci" : "npm install", phase, line: 0 }] : [];
  }
  return [{ text: "npm test", phase, line: 0 }];
}

function commandsFor(job: TravisJob, phase: PhaseName, ws: Workspace): Command[] {
  const given = job.phases[phase];
  if (given) return given;
  if (phase === "install" || phase === "script") return defaultCommands(job, phase, ws);
  return [];
}

const SETUP: PhaseName[] = ["before_install", "install", "before_script"];

export async function runJob(job: TravisJob, exec: JobExecutor, ws: Workspace): Promise<JobResult> {
  const steps: StepRecord[] = [];
  const failedAt: StepRecord[] = [];
  const skipped: string[] = [];
  const notes = [...job.notes];
  if (job.language !== undefined && job.language !== "node_js") {
    notes.push(`language ${job.language} is not emulated: its default install and script do not run`);
  } else if (job.language === undefined) {
    notes.push("no `language:` (Travis would default to ruby); no default install or script runs");
  }

  const runOne = async (c: Command): Promise<StepRecord & { ended: boolean }> => {
    exec.log(`$ ${c.text}`);
    const o = await exec.run(c.text);
    const step: StepRecord = { phase: c.phase, command: c.text, exitCode: o.exitCode, ...(c.line ? { line: c.line } : {}), ...(o.timedOut ? { timedOut: true } : {}) };
    steps.push(step);
    return { ...step, ended: o.ended };
  };

  const finish = (state: JobState, erroredAt?: StepRecord): JobResult => {
    exec.log(`Done. Your build exited with ${state === "passed" ? 0 : 1}.`);
    return { state, steps, erroredAt, failedAt, skipped, notes };
  };

  const stopped = (s: StepRecord & { ended: boolean }, phase: string): JobResult => {
    exec.log(
      s.timedOut
        ? `The command "${s.command}" ran out of time during ${phase}. Your build has been stopped.`
        : `The shell exited during ${phase} (the command "${s.command}" ended it, exit ${s.exitCode}). Your build has been stopped.`,
    );
    return finish("errored", s);
  };

  for (const phase of SETUP) {
    for (const c of commandsFor(job, phase, ws)) {
      const s = await runOne(c);
      if (s.ended) return stopped(s, phase);
      if (s.exitCode !== 0) {
        exec.log(`The command "${s.command}" failed and exited with ${s.exitCode} during ${phase}.`);
        exec.log("Your build has been stopped.");
        return finish("errored", s);
      }
    }
  }

  let failed = false;
  for (const c of commandsFor(job, "script", ws)) {
    const s = await runOne(c);
    if (s.ended) return stopped(s, "script");
    exec.log(`The command "${s.command}" exited with ${s.exitCode}.`);
    if (s.exitCode !== 0) {
      failed = true;
      failedAt.push(s);
    }
  }
  await exec.setEnv("TRAVIS_TEST_RESULT", failed ? "1" : "0");

  // From here on an `exit` ends the job but no longer changes its state.
  const runIgnoring = async (phase: PhaseName): Promise<boolean> => {
    for (const c of commandsFor(job, phase, ws)) {
      const s = await runOne(c);
      if (s.ended) {
        notes.push(`the shell exited during ${phase}; later phases did not run`);
        return false;
      }
    }
    return true;
  };

  if (!(await runIgnoring(failed ? "after_failure" : "after_success"))) return finish(failed ? "failed" : "passed");
  skipped.push(failed ? "after_success: script failed" : "after_failure: script passed");

  const deploys = job.deploy.filter((d) => !d.skipReason);
  for (const d of job.deploy.filter((x) => x.skipReason)) skipped.push(`deploy (${d.provider}): ${d.skipReason}`);
  if (failed) {
    if (job.deploy.length || job.phases.before_deploy) skipped.push("before_deploy, deploy, after_deploy: script failed");
  } else if (deploys.length) {
    let deployFailed = false;
    for (const c of commandsFor(job, "before_deploy", ws)) {
      const s = await runOne(c);
      if (s.ended) return stopped(s, "before_deploy");
      if (s.exitCode !== 0) {
        exec.log(`The command "${s.command}" failed during before_deploy; skipping deploy.`);
        failedAt.push(s);
        deployFailed = true;
        break;
      }
    }
    if (!deployFailed) {
      for (const d of deploys) {
        for (const c of d.commands) {
          const s = await runOne(c);
          if (s.ended) return stopped(s, "deploy");
          if (s.exitCode !== 0) {
            exec.log(`The deploy command "${s.command}" exited with ${s.exitCode}.`);
            failedAt.push(s);
            deployFailed = true;
          }
        }
      }
      if (!(await runIgnoring("after_deploy"))) return finish(deployFailed ? "failed" : "passed");
    }
    failed ||= deployFailed;
  }

  await runIgnoring("after_script");
  return finish(failed ? "failed" : "passed");
}
