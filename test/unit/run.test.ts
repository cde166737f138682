// The runner's rules, with checks made up on the spot (no engine needed for them).
import { describe, expect, it } from "vitest";
import { runExercise } from "../../harness/run.ts";
import { judgeSolution, judgeStarter } from "../../harness/verify.ts";
import type { Check, Exercise, Verdict } from "../../harness/types.ts";

const pass = (id: string, extra: Partial<Check> = {}): Check => ({
  id,
  title: `${id} title`,
  timeoutMs: 1000,
  requires: [],
  run: async (): Promise<Verdict> => ({ ok: true, expected: "e", observed: "o" }),
  ...extra,
});
const fail = (id: string, extra: Partial<Check> = {}): Check =>
  pass(id, { run: async () => ({ ok: false, expected: "e", observed: "bad", hint: "h" }), ...extra });

function exercise(checks: Check[], starterFails: string[] = []): Exercise {
  return { id: "00-test", title: "t", order: 0, requires: [], editable: [], hints: [], starterFails, checks };
}

describe("runExercise", () => {
  it("reports a check whose prerequisite failed as not run, never passed", async () => {
    const res = await runExercise({ exercise: exercise([fail("a"), pass("b", { needs: ["a"] }), pass("c")]), dir: ".", source: "t" });
    expect(res.results.map((r) => r.status)).toEqual(["failed", "not-run", "passed"]);
    expect(res.results[1]!.reason).toBe('needs "a title" to pass first');
    expect(res.passed).toBe(false);
  });

  it("turns a hung check into a failure that names its timeout", async () => {
    const hang = pass("slowpoke", { timeoutMs: 50, run: () => new Promise(() => undefined) });
    const res = await runExercise({ exercise: exercise([hang]), dir: ".", source: "t" });
    expect(res.results[0]!.status).toBe("failed");
    expect(res.results[0]!.observed).toBe("timed out after 50 ms");
  });

  it("turns a crash in a check into a failure, not a pass", async () => {
    const boom = pass("boom", { run: async () => { throw new Error("kaput"); } });
    const res = await runExercise({ exercise: exercise([boom]), dir: ".", source: "t" });
    expect(res.results[0]!.status).toBe("failed");
    expect(res.results[0]!.observed).toContain("kaput");
  });

  it("runs slow checks only when asked", async () => {
    const ex = exercise([pass("load", { slow: true })]);
    expect((await runExercise({ exercise: ex, dir: ".", source: "t" })).results[0]!.status).toBe("not-run");
    expect((await runExercise({ exercise: ex, dir: ".", source: "t", options: { slow: true } })).results[0]!.status).toBe("passed");
  });

  it("runs deferred cleanup in reverse order, also after a failure", async () => {
    const order: string[] = [];
    const c = pass("c", {
      run: async (ctx) => {
        ctx.defer(() => void order.push("first"));
        ctx.defer(() => void order.push("second"));
        throw new Error("x");
      },
    });
    await runExercise({ exercise: exercise([c]), dir: ".", source: "t" });
    expect(order).toEqual(["second", "first"]);
  });

  it("stops at an abort and reports the interrupted check as failed", async () => {
    const ctl = new AbortController();
    const waits = pass("w", { run: (ctx) => new Promise((_, rej) => ctx.signal.addEventListener("abort", () => rej(new Error("aborted")))) });
    setTimeout(() => ctl.abort(), 20);
    const res = await runExercise({ exercise: exercise([waits, pass("after")]), dir: ".", source: "t", signal: ctl.signal });
    expect(res.results.map((r) => r.status)).toEqual(["failed"]);
    expect(res.passed).toBe(false);
  });
});

describe("verify's judgement", () => {
  it("the starter must fail each intended check, not merely skip it", async () => {
    const ex = exercise([fail("a"), pass("b", { needs: ["a"] })], ["a", "b"]);
    const res = await runExercise({ exercise: ex, dir: ".", source: "starter" });
    expect(judgeStarter(ex, res)).toEqual(['b: did not run (needs "a title" to pass first)']);
  });

  it("the solution must pass everything that can run here", async () => {
    const res = await runExercise({ exercise: exercise([pass("a"), fail("b")]), dir: ".", source: "solution" });
    expect(judgeSolution(res)).toEqual(["b: bad"]);
  });
});
