// Renders result data for a person at a terminal. The same objects go to
// results.json and JUnit; nothing here decides a verdict.
import { styleText } from "node:util";
import { formatDuration } from "../eventually.ts";
import type { CheckResult, ExerciseResult } from "../types.ts";

type Style = Parameters<typeof styleText>[0];
const color = (s: Style, t: string, on: boolean) => (on ? styleText(s, t) : t);

export function symbol(r: CheckResult, on = false): string {
  if (r.status === "passed") return color("green", "✓", on);
  if (r.status === "failed") return color("red", "✗", on);
  return color("yellow", "–", on);
}

export function renderCheck(r: CheckResult, on = false): string[] {
  const took = r.status === "not-run" ? "" : color("dim", ` (${formatDuration(r.durationMs)})`, on);
  const lines = [`  ${symbol(r, on)} ${r.title}${took}`];
  if (r.status === "failed") {
    if (r.expected) lines.push(`    expected: ${r.expected}`);
    if (r.observed) lines.push(`    observed: ${r.observed}`);
    if (r.hint) lines.push(color("cyan", `    hint: ${r.hint}`, on));
    for (const d of r.details ?? []) lines.push(color("dim", `      | ${d}`, on));
  } else if (r.status === "not-run") {
    lines.push(color("dim", `    not run: ${r.reason}`, on));
  }
  return lines;
}

export function summarize(res: ExerciseResult): { passed: number; failed: number; notRun: number; total: number } {
  const count = (s: CheckResult["status"]) => res.results.filter((r) => r.status === s).length;
  return { passed: count("passed"), failed: count("failed"), notRun: count("not-run"), total: res.results.length };
}

export function renderExercise(res: ExerciseResult, on = false): string {
  const s = summarize(res);
  const where = res.provider ? `, cluster: ${res.provider}` : "";
  const head = `${color("bold", res.exercise, on)} — ${res.title} ${color("dim", `[${res.source}${where}]`, on)}`;
  const verdict = res.passed
    ? color("green", `All ${s.total} checks pass.`, on)
    : color("red", `${s.passed} of ${s.total} checks pass`, on) +
      `${s.failed ? `, ${s.failed} fail` : ""}${s.notRun ? `, ${s.notRun} not run` : ""}.`;
  return [head, ...res.results.flatMap((r) => renderCheck(r, on)), verdict].join("\n");
}
