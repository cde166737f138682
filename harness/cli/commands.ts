// The CLI's commands. Each returns an exit code; learner mistakes are thrown
// as LearnerFacingError and printed in one line by main.ts.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, watch, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureDocker } from "../docker/client.ts";
import { removeAll, removeStale } from "../docker/cleanup.ts";
import { LearnerFacingError } from "../errors.ts";
import { exerciseDir, loadAll, loadExercise, locateInStudentDir, PACKAGE_ROOT, resolveId, stage } from "../exercises.ts";
import { runExercise, type RunEvents } from "../run.ts";
import { renderCheck, renderExercise } from "../report/terminal.ts";
import { toExercism } from "../report/results-json.ts";
import { toJUnit } from "../report/junit.ts";
import { writeStepSummary } from "../report/summary.ts";
import { renderVerifyTable, verifyExercise, type VerifyOutcome } from "../verify.ts";
import type { Exercise, ExerciseResult, RunOptions } from "../types.ts";
import { interruptible } from "./interrupt.ts";

type Flags = Record<string, string | boolean | string[] | undefined>;
type Command = (args: string[], flags: Flags) => Promise<number>;

export const usage = `usage: podlings <command> [options]

  list                     exercises, in order, with your last result
  check <id>               check your copy of an exercise (exit 0 only if all checks pass)
  watch <id>               check again whenever you save a file of the exercise
  hint <id> [n]            the next hint (or hint n)
  reset <id>               restore the exercise's starter files (git checkout)
  verify [id ...]          maintainers: starters fail, solutions pass, against real engines
  grade <dir>              instructors: grade a student's repo with the package's own checks
  doctor                   what engines and clusters podlings can use here
  offline                  set up offline mode (stand-in base images + local mirror)
  actions <id>             print the GitHub Actions workflow equivalent to an exercise's .travis.yml
  clean                    remove every container, image and network podlings made

ids: 01, debug-container or 01-debug-container

options:
  --slow                   also run slow checks (load tests)
  --provider P             cluster: kind (default), local, or context:NAME
  --context NAME           same as --provider context:NAME
  --registry HOST[:PORT]   registry the cluster pulls from (with --context)
  --json                   print results as JSON (Exercism v3 results.json shape)
  --out DIR                write results.json, junit.xml and summary.md to DIR
  --exercise ID            with grade: only these exercises (repeatable)
  --debug                  stack traces for podlings' own errors`;

const tty = process.stdout.isTTY === true;
const STATE_DIR = path.join(PACKAGE_ROOT, ".podlings");

function runOptions(flags: Flags): RunOptions {
  const provider = typeof flags.context === "string" ? `context:${flags.context}` : (flags.provider as string | undefined);
  return {
    slow: flags.slow === true,
    provider: provider ?? process.env.PODLINGS_PROVIDER,
    registry: (flags.registry as string | undefined) ?? process.env.PODLINGS_REGISTRY,
    debug: flags.debug === true,
  };
}

function liveEvents(): RunEvents {
  let spinner = "";
  const clear = () => {
    if (tty && spinner) process.stdout.write("\r\x1b[2K");
    spinner = "";
  };
  return {
    onCheckStart(check) {
      clear();
      spinner = `  … ${check.title}`;
      if (tty) process.stdout.write(spinner);
    },
    onProgress(message) {
      if (!tty) return;
      clear();
      spinner = `  … ${message.slice(0, (process.stdout.columns ?? 100) - 6)}`;
      process.stdout.write(spinner);
    },
    onCheckEnd(result) {
      clear();
      console.log(renderCheck(result, tty).join("\n"));
    },
  };
}

async function needEngines(ex: Exercise): Promise<void> {
  if (ex.requires.includes("docker")) {
    await ensureDocker();
    await removeStale().catch(() => undefined);
  }
}

function saveLast(res: ExerciseResult): void {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(path.join(STATE_DIR, `${res.exercise}.json`), JSON.stringify(res, null, 2));
}

function readLast(id: string): ExerciseResult | undefined {
  const f = path.join(STATE_DIR, `${id}.json`);
  try {
    return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as ExerciseResult) : undefined;
  } catch {
    return undefined;
  }
}

function writeOutputs(dir: string, results: ExerciseResult[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "results.json"), JSON.stringify(toExercism(results), null, 2));
  writeFileSync(path.join(dir, "junit.xml"), toJUnit(results));
  writeStepSummary(results);
}

async function checkOnce(id: string, flags: Flags, signal: AbortSignal): Promise<ExerciseResult> {
  const ex = await loadExercise(id);
  await needEngines(ex);
  const staged = stage(ex);
  try {
    if (!flags.json) console.log(`${ex.id} — ${ex.title}`);
    const res = await runExercise({
      exercise: ex,
      dir: staged.dir,
      source: "your copy",
      options: runOptions(flags),
      signal,
      events: flags.json ? undefined : liveEvents(),
    });
    saveLast(res);
    return res;
  } finally {
    staged.dispose();
  }
}

function needId(args: string[], cmd: string): string {
  if (!args[0]) throw new LearnerFacingError(`\`podlings ${cmd}\` needs an exercise id.`, "Run `podlings list` to see them.");
  return resolveId(args[0]);
}

const list: Command = async () => {
  for (const ex of await loadAll()) {
    const last = readLast(ex.id);
    const status = !last ? "not checked" : last.passed ? "done" : `${last.results.filter((r) => r.status === "passed").length}/${last.results.length} checks`;
    console.log(`${ex.id.padEnd(24)} ${status.padEnd(14)} ${ex.title} ${tty ? `(${ex.requires.join(", ")})` : ""}`);
  }
  return 0;
};

const check: Command = async (args, flags) => {
  const id = needId(args, "check");
  const res = await checkOnce(id, flags, interruptible());
  if (flags.json) console.log(JSON.stringify(toExercism([res]), null, 2));
  else {
    const s = res.results;
    const verdict = res.passed
      ? `All ${s.length} checks pass. Next: podlings list`
      : `${s.filter((r) => r.status === "passed").length} of ${s.length} checks pass. Stuck? podlings hint ${id.slice(0, 2)}`;
    console.log(verdict);
  }
  if (typeof flags.out === "string") writeOutputs(flags.out, [res]);
  return res.passed ? 0 : 1;
};

const watchCmd: Command = async (args, flags) => {
  const id = needId(args, "watch");
  const signal = interruptible();
  const dir = exerciseDir(id);
  let running = false;
  let again = false;
  const go = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      if (tty) console.clear();
      const res = await checkOnce(id, flags, signal).catch((err: unknown) => {
        console.error(`podlings: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      });
      if (res) console.log(res.passed ? "All checks pass. Next: podlings list" : "Watching for changes… (Ctrl-C to stop)");
    } while (again && !signal.aborted);
    running = false;
  };
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dir, { recursive: true }, (_e, file) => {
    if (!file || String(file).includes("node_modules")) return;
    clearTimeout(timer);
    timer = setTimeout(() => void go(), 300);
  });
  await go();
  await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  watcher.close();
  return 0;
};

const hint: Command = async (args) => {
  const ex = await loadExercise(needId(args, "hint"));
  const n = args[1] ? Number(args[1]) : undefined;
  const last = readLast(ex.id);
  const firstFailed = last?.results.find((r) => r.status === "failed");
  if (firstFailed?.hint && n === undefined) console.log(`Your last check failed "${firstFailed.title}":\n  ${firstFailed.hint}\n`);
  const hints = n ? ex.hints.slice(n - 1, n) : ex.hints;
  hints.forEach((h, i) => console.log(`${(n ?? i + 1)}. ${h}`));
  if (ex.docs?.length) console.log(`\nRead: ${ex.docs.map((d) => `docs/${d}`).join(", ")}`);
  return 0;
};

const reset: Command = async (args) => {
  const ex = await loadExercise(needId(args, "reset"));
  const files = ex.editable.map((f) => path.join("exercises", ex.id, f));
  const r = spawnSync("git", ["checkout", "HEAD", "--", ...files.filter((f) => existsSync(path.join(PACKAGE_ROOT, f)) || true)], {
    cwd: PACKAGE_ROOT,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new LearnerFacingError(`could not restore ${ex.id}: ${r.stderr.trim() || "git is not available"}`, "podlings reset needs the exercises in a git checkout");
  console.log(`Restored the starter files of ${ex.id}: ${ex.editable.join(", ")}`);
  return 0;
};

const verify: Command = async (args, flags) => {
  const ids = args.length ? args.map((a) => resolveId(a)) : (await loadAll()).map((e) => e.id);
  const signal = interruptible();
  const outcomes: VerifyOutcome[] = [];
  for (const id of ids) {
    const ex = await loadExercise(id);
    await needEngines(ex);
    console.log(`verify ${id}`);
    const o = await verifyExercise(ex, { options: runOptions(flags), signal });
    for (const side of [o.starter, o.solution]) {
      console.log(renderExercise(side.result, tty).replace(/^/gm, "  "));
    }
    outcomes.push(o);
    if (signal.aborted) break;
  }
  console.log(`\n${renderVerifyTable(outcomes)}`);
  if (typeof flags.out === "string") writeOutputs(flags.out, outcomes.flatMap((o) => [o.starter.result, o.solution.result]));
  return outcomes.every((o) => o.ok) && outcomes.length === ids.length ? 0 : 1;
};

const grade: Command = async (args, flags) => {
  const studentDir = args[0];
  if (!studentDir || !existsSync(studentDir)) {
    throw new LearnerFacingError(`\`podlings grade\` needs a student's directory${studentDir ? `; "${studentDir}" does not exist` : ""}.`);
  }
  const only = (flags.exercise as string[] | undefined)?.map((e) => resolveId(e));
  const all = (await loadAll()).filter((e) => !only || only.includes(e.id));
  const signal = interruptible();
  const results: ExerciseResult[] = [];
  for (const ex of all) {
    const from = locateInStudentDir(studentDir, ex.id);
    if (!from) continue;
    await needEngines(ex);
    // Only the editable files come from the student; checks are the package's own.
    const staged = stage(ex, from, { onlyEditable: true });
    try {
      const res = await runExercise({ exercise: ex, dir: staged.dir, source: path.resolve(studentDir), options: runOptions(flags), signal });
      results.push(res);
      if (!flags.json) console.log(renderExercise(res, tty));
    } finally {
      staged.dispose();
    }
    if (signal.aborted) break;
  }
  if (!results.length) throw new LearnerFacingError(`no exercise folders found in ${studentDir}`, "expected exercises/NN-slug/ or NN-slug/ folders");
  const report = toExercism(results);
  if (flags.json) console.log(JSON.stringify(report, null, 2));
  else console.log(`\n${report.points.earned}/${report.points.possible} checks pass across ${results.length} exercise(s).`);
  writeOutputs(typeof flags.out === "string" ? flags.out : path.join(process.cwd(), "podlings-results"), results);
  return results.every((r) => r.passed) ? 0 : 1;
};

const doctor: Command = async (_args, flags) => {
  const line = (ok: boolean | "warn", what: string, detail: string) =>
    console.log(`${ok === true ? "✓" : ok === "warn" ? "!" : "✗"} ${what.padEnd(18)} ${detail}`);
  const major = Number(process.versions.node.split(".")[0]);
  line(major >= 22, "node", `v${process.versions.node}${major >= 22 ? "" : " (podlings needs 22 or newer; 24 LTS recommended)"}`);
  try {
    const d = await ensureDocker();
    const v = await d.version();
    const standins = await d.listImages({ filters: { label: ["org.podlings.standin=true"] } });
    line(true, "docker", `engine ${v.Version} (API ${v.ApiVersion})`);
    line(standins.length ? true : "warn", "offline images", standins.length ? `${standins.length} stand-in image(s) present` : "none (run `podlings offline` on a machine without registry access)");
  } catch (err) {
    line(false, "docker", err instanceof Error ? err.message : String(err));
  }
  for (const tool of ["kind", "kubectl"]) {
    try {
      const v = execFileSync(tool, tool === "kind" ? ["version"] : ["version", "--client"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      line(true, tool, v.split("\n")[0]!.trim());
    } catch {
      line("warn", tool, tool === "kind" ? "not installed: https://kind.sigs.k8s.io/docs/user/quick-start/#installation (needed for the Kubernetes exercises on a laptop)" : "not installed (optional: for trying things by hand)");
    }
  }
  try {
    const { describeProviders } = (await import("../cluster/session.ts")) as { describeProviders?: (o: RunOptions) => Promise<string[]> };
    for (const l of (await describeProviders?.(runOptions(flags))) ?? []) console.log(`  ${l}`);
  } catch {
    /* cluster layer not available */
  }
  return 0;
};

const offline: Command = async (args) => {
  const script = path.join(PACKAGE_ROOT, "harness", "setup", "all.sh");
  const r = spawnSync("bash", [script, "--offline", ...args], { stdio: "inherit" });
  return r.status ?? 1;
};

const actions: Command = async (args) => {
  const id = needId(args, "actions");
  const dir = exerciseDir(id);
  const file = path.join(dir, ".travis.yml");
  if (!existsSync(file)) throw new LearnerFacingError(`${id} has no .travis.yml to translate.`);
  const { travisToActions } = await import("../ci/actions.ts");
  try {
    console.log(travisToActions(readFileSync(file, "utf8"), { hasLockfile: existsSync(path.join(dir, "package-lock.json")) }));
  } catch (err) {
    throw new LearnerFacingError(err instanceof Error ? err.message : String(err), `see exercises/${id}/README.md`);
  }
  return 0;
};

const clean: Command = async () => {
  await ensureDocker();
  const r = await removeAll();
  console.log(`removed ${r.containers} container(s), ${r.networks} network(s), ${r.images} image(s), ${r.volumes} volume(s) made by podlings`);
  try {
    const m = (await import("../cluster/session.ts")) as { cleanStaleNamespaces?: (maxAgeMinutes?: number) => Promise<number> };
    if (m.cleanStaleNamespaces) console.log(`removed ${await m.cleanStaleNamespaces(0)} namespace(s)`);
  } catch {
    /* no cluster to clean */
  }
  return 0;
};

export const commands: Record<string, Command> = {
  list,
  check,
  watch: watchCmd,
  hint,
  reset,
  verify,
  grade,
  doctor,
  offline,
  clean,
  actions,
};
