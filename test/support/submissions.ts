// Runs an exercise's real checks against a submission written in the test:
// the starter, optionally the solution, then the files given here on top.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadExercise, solutionDir, stage } from "../../harness/exercises.ts";
import { runExercise } from "../../harness/run.ts";
import { renderVerifyTable, verifyExercise, type VerifyOutcome } from "../../harness/verify.ts";
import { expect } from "vitest";
import type { CheckStatus, ExerciseResult, RunOptions } from "../../harness/types.ts";

export interface Submission {
  /** Start from the solution overlay instead of the bare starter. */
  fromSolution?: boolean;
  /** Files to write over it, relative to the exercise folder. */
  files?: Record<string, string>;
  /** Edits on existing files: [file, from, to] string replacements (must match). */
  edits?: Array<[string, string | RegExp, string]>;
}

export async function runSubmission(id: string, sub: Submission, options: RunOptions = {}): Promise<ExerciseResult> {
  const ex = await loadExercise(id);
  const staged = stage(ex, sub.fromSolution ? solutionDir(id) : undefined);
  try {
    for (const [rel, content] of Object.entries(sub.files ?? {})) {
      const f = path.join(staged.dir, rel);
      mkdirSync(path.dirname(f), { recursive: true });
      writeFileSync(f, content);
    }
    for (const [rel, from, to] of sub.edits ?? []) {
      const f = path.join(staged.dir, rel);
      const before = readFileSync(f, "utf8");
      const after = before.replace(from, to);
      if (after === before) throw new Error(`test bug: edit of ${rel} did not match ${String(from)}`);
      writeFileSync(f, after);
    }
    return await runExercise({ exercise: ex, dir: staged.dir, source: "test submission", options });
  } finally {
    staged.dispose();
  }
}

/** Status of each check, by id, for compact assertions. */
export function statuses(res: ExerciseResult): Record<string, CheckStatus> {
  return Object.fromEntries(res.results.map((r) => [r.id, r.status]));
}

/** The one-line account of a check, to assert on what a learner would read. */
export function account(res: ExerciseResult, id: string): string {
  const r = res.results.find((x) => x.id === id);
  if (!r) throw new Error(`no check ${id} in ${res.exercise}`);
  return [r.status, r.expected, r.observed, r.hint, r.reason, ...(r.details ?? [])].filter(Boolean).join(" | ");
}

export function tempDir(prefix: string): { dir: string; dispose(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `verify` one exercise as CI does: print its table row, and expect no problem on either side. */
export async function verifyBothWays(id: string, options?: RunOptions): Promise<VerifyOutcome> {
  const o = await verifyExercise(await loadExercise(id), { options });
  console.log(renderVerifyTable([o]));
  expect(o.starter.problems).toEqual([]);
  expect(o.solution.problems).toEqual([]);
  return o;
}
