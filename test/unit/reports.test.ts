import { describe, expect, it } from "vitest";
import { toExercism } from "../../harness/report/results-json.ts";
import { toJUnit, xmlEscape } from "../../harness/report/junit.ts";
import { toMarkdown } from "../../harness/report/summary.ts";
import { renderExercise } from "../../harness/report/terminal.ts";
import type { ExerciseResult } from "../../harness/types.ts";

const res: ExerciseResult = {
  exercise: "01-debug-container",
  title: "Debug",
  source: "your copy",
  passed: false,
  startedAt: "2026-11-25T00:00:00.000Z",
  durationMs: 1234,
  results: [
    { id: "image-builds", title: "image builds", status: "passed", timeoutMs: 1000, durationMs: 10, expected: "x", observed: "y" },
    { id: "get", title: "GET /health returns 200", status: "failed", timeoutMs: 1000, durationMs: 20, expected: "200", observed: "status 500 <oops> & \u0001", hint: "read docker logs", details: ["ReferenceError: getData is not defined"] },
    { id: "logs", title: "logs clean", status: "not-run", timeoutMs: 1000, durationMs: 0, reason: 'needs "GET" to pass first' },
  ],
};

describe("reports", () => {
  it("Exercism v3: fail overall, one status per check, points", () => {
    const r = toExercism([res]);
    expect(r.version).toBe(3);
    expect(r.status).toBe("fail");
    expect(r.tests.map((t) => t.status)).toEqual(["pass", "fail", "error"]);
    expect(r.tests[1]!.message).toContain("observed: status 500");
    expect(r.tests[2]!.message).toBe('not run: needs "GET" to pass first');
    expect(r.points).toEqual({ earned: 1, possible: 3 });
  });

  it("Exercism v3: pass only when every check passed", () => {
    const ok = { ...res, passed: true, results: [res.results[0]!] };
    expect(toExercism([ok]).status).toBe("pass");
    expect(toExercism([], "Docker is not running").status).toBe("error");
  });

  it("JUnit escapes XML and marks not-run as skipped, never passed", () => {
    const xml = toJUnit([res]);
    expect(xml).toContain('failures="1" skipped="1"');
    expect(xml).toContain("&lt;oops&gt; &amp;");
    expect(xml).not.toContain("\u0001");
    expect(xml).toContain("<skipped message=");
    expect(xmlEscape(`"'`)).toBe("&quot;&apos;");
  });

  it("terminal output reads expected / observed / hint", () => {
    const text = renderExercise(res);
    expect(text).toContain("✗ GET /health returns 200");
    expect(text).toContain("    expected: 200\n    observed: status 500");
    expect(text).toContain("    hint: read docker logs");
    expect(text).toContain('not run: needs "GET" to pass first');
    expect(text).toContain("1 of 3 checks pass, 1 fail, 1 not run.");
  });

  it("step summary escapes table pipes", () => {
    const md = toMarkdown([{ ...res, results: [{ ...res.results[1]!, observed: "a|b" }] }]);
    expect(md).toContain("a\\|b");
  });
});
