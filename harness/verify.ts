// `verify`: the starter must fail the checks it is meant to fail, and the
// starter with the solution laid over it must pass every check that can run.
import { existsSync } from "node:fs";
import { runExercise, type RunEvents } from "./run.ts";
import { solutionDir, stage } from "./exercises.ts";
import type { Exercise, ExerciseResult, RunOptions } from "./types.ts";

export interface VerifySide {
  ok: boolean;
  result: ExerciseResult;
  problems: string[];
}

export interface VerifyOutcome {
  exercise: string;
  ok: boolean;
  starter: VerifySide;
  solution: VerifySide;
}

/** The starter fails every check it is meant to fail. */
export function judgeStarter(ex: Exercise, res: ExerciseResult): string[] {
  const problems: string[] = [];
  for (const id of ex.starterFails) {
    const r = res.results.find((x) => x.id === id);
    if (!r) problems.push(`${id}: no such check`);
    else if (r.status === "passed") problems.push(`${id}: the broken starter passes "${r.title}"`);
    else if (r.status === "not-run" && !r.missing) problems.push(`${id}: did not run (${r.reason})`);
  }
  return problems;
}

/** The solution passes every check; only checks lacking a capability of this machine may not run. */
export function judgeSolution(res: ExerciseResult): string[] {
  return res.results
    .filter((r) => r.status === "failed" || (r.status === "not-run" && !r.missing && !r.reason?.startsWith("slow")))
    .map((r) => `${r.id}: ${r.status === "failed" ? `${r.observed}` : `not run (${r.reason})`}`);
}

export async function verifyExercise(
  ex: Exercise,
  opts: { options?: RunOptions; signal?: AbortSignal; events?: RunEvents } = {},
): Promise<VerifyOutcome> {
  const side = async (overlay: string | undefined, source: string, judge: (r: ExerciseResult) => string[]): Promise<VerifySide> => {
    const staged = stage(ex, overlay);
    try {
      const result = await runExercise({ exercise: ex, dir: staged.dir, source, options: opts.options, signal: opts.signal, events: opts.events });
      const problems = judge(result);
      return { ok: problems.length === 0, result, problems };
    } finally {
      staged.dispose();
    }
  };
  const starter = await side(undefined, "starter", (r) => judgeStarter(ex, r));
  const sol = solutionDir(ex.id);
  const solution = existsSync(sol)
    ? await side(sol, "solution", judgeSolution)
    : {
        ok: false,
        result: { ...starter.result, source: "solution", results: [], passed: false },
        problems: [`no solution folder at solutions/${ex.id}`],
      };
  return { exercise: ex.id, ok: starter.ok && solution.ok, starter, solution };
}

export function renderVerifyTable(outcomes: VerifyOutcome[]): string {
  const rows = [["exercise", "starter (must fail)", "solution (must pass)", "not run here", "verdict"]];
  for (const o of outcomes) {
    const failedIds = o.starter.result.results.filter((r) => r.status === "failed").map((r) => r.id);
    const s = o.solution.result.results;
    const passedN = s.filter((r) => r.status === "passed").length;
    const notRun = s.filter((r) => r.status === "not-run").map((r) => `${r.id} (${r.missing ?? (r.reason?.startsWith("slow") ? "slow" : "needs an earlier check")})`);
    rows.push([
      o.exercise,
      `fails ${failedIds.join(", ") || "nothing"}`,
      `${passedN}/${s.length} pass`,
      notRun.join(", ") || "-",
      o.ok ? "ok" : `PROBLEM: ${[...o.starter.problems, ...o.solution.problems].join("; ")}`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.min(60, Math.max(...rows.map((r) => r[i]!.length))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n");
}
