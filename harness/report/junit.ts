// JUnit XML, which every CI system can show.
import type { ExerciseResult } from "../types.ts";

export function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!)
    // XML 1.0 forbids most control characters.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}

export function toJUnit(results: ExerciseResult[]): string {
  const suites = results.map((ex) => {
    const failures = ex.results.filter((r) => r.status === "failed").length;
    const skipped = ex.results.filter((r) => r.status === "not-run").length;
    const cases = ex.results.map((r) => {
      const attrs = `classname="${xmlEscape(ex.exercise)}" name="${xmlEscape(r.title)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
      if (r.status === "passed") return `    <testcase ${attrs}/>`;
      if (r.status === "not-run") return `    <testcase ${attrs}><skipped message="${xmlEscape(`not run: ${r.reason ?? ""}`)}"/></testcase>`;
      const body = [`expected: ${r.expected}`, `observed: ${r.observed}`, r.hint ? `hint: ${r.hint}` : "", ...(r.details ?? [])]
        .filter(Boolean)
        .join("\n");
      return `    <testcase ${attrs}><failure message="${xmlEscape(r.observed ?? "failed")}">${xmlEscape(body)}</failure></testcase>`;
    });
    return [
      `  <testsuite name="${xmlEscape(`${ex.exercise} (${ex.source})`)}" tests="${ex.results.length}" failures="${failures}" skipped="${skipped}" time="${(ex.durationMs / 1000).toFixed(3)}" timestamp="${ex.startedAt}">`,
      ...cases,
      "  </testsuite>",
    ].join("\n");
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="podlings">\n${suites.join("\n")}\n</testsuites>\n`;
}
