// A GitHub Actions step summary (Markdown), appended when GITHUB_STEP_SUMMARY is set.
import { appendFileSync } from "node:fs";
import type { ExerciseResult } from "../types.ts";

const mark = { passed: "✅", failed: "❌", "not-run": "⏭️" } as const;

export function toMarkdown(results: ExerciseResult[]): string {
  const rows = results.flatMap((ex) =>
    ex.results.map((r) => {
      const why = r.status === "failed" ? `${r.observed ?? ""}` : r.status === "not-run" ? `not run: ${r.reason ?? ""}` : "";
      return `| ${ex.exercise} | ${mark[r.status]} ${r.title.replace(/\|/g, "\\|")} | ${why.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`;
    }),
  );
  return ["### podlings", "", "| exercise | check | why |", "|---|---|---|", ...rows, ""].join("\n");
}

export function writeStepSummary(results: ExerciseResult[], file = process.env.GITHUB_STEP_SUMMARY): boolean {
  if (!file) return false;
  appendFileSync(file, toMarkdown(results));
  return true;
}
