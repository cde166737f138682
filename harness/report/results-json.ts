// Exercism test-runner v3 results.json, with points, so instructors can feed
// podlings into tooling that already reads that format.
import type { ExerciseResult } from "../types.ts";

export interface ExercismTest {
  name: string;
  status: "pass" | "fail" | "error";
  message: string | null;
  output: string | null;
  task_id?: number;
}

export interface ExercismResults {
  version: 3;
  status: "pass" | "fail" | "error";
  message?: string;
  tests: ExercismTest[];
  /** podlings extensions: points and the full result data. */
  points: { earned: number; possible: number };
  podlings: ExerciseResult[];
}

export function toExercism(results: ExerciseResult[], error?: string): ExercismResults {
  const tests: ExercismTest[] = results.flatMap((ex, i) =>
    ex.results.map((r) => ({
      name: `${ex.exercise}: ${r.title}`,
      status: r.status === "passed" ? "pass" : r.status === "failed" ? "fail" : "error",
      message:
        r.status === "passed"
          ? null
          : r.status === "not-run"
            ? `not run: ${r.reason}`
            : [`expected: ${r.expected}`, `observed: ${r.observed}`, r.hint ? `hint: ${r.hint}` : ""].filter(Boolean).join("\n"),
      output: r.details?.length ? r.details.join("\n") : null,
      task_id: i + 1,
    })),
  );
  const earned = tests.filter((t) => t.status === "pass").length;
  return {
    version: 3,
    status: error ? "error" : tests.length > 0 && earned === tests.length ? "pass" : "fail",
    ...(error ? { message: error } : {}),
    tests,
    points: { earned, possible: tests.length },
    podlings: results,
  };
}
