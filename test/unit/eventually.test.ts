import { describe, expect, it } from "vitest";
import { eventually, formatDuration, TimeoutError, withTimeout } from "../../harness/eventually.ts";

describe("eventually", () => {
  it("returns the value once the condition holds", async () => {
    let n = 0;
    const v = await eventually(async () => ({ done: ++n >= 3, value: n, observed: `n=${n}` }), { what: "n to reach 3", timeoutMs: 2000, intervalMs: 5 });
    expect(v).toBe(3);
  });

  it("names the timeout and the last observation when it gives up", async () => {
    const err = await eventually(async () => ({ done: false, observed: "0 of 2 pods ready" }), { what: "2 ready pods", timeoutMs: 60, intervalMs: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe("waited 60 ms for 2 ready pods; last seen: 0 of 2 pods ready");
  });

  it("keeps the thrown error of an attempt as the last observation", async () => {
    const err = await eventually(async () => { throw new Error("connection refused"); }, { what: "the app", timeoutMs: 30, intervalMs: 5 }).catch((e: unknown) => e);
    expect((err as Error).message).toContain("last seen: connection refused");
  });

  it("withTimeout aborts the work's signal and names the limit", async () => {
    let aborted = false;
    const err = await withTimeout("a slow step", 30, (signal) => new Promise((r) => { signal.addEventListener("abort", () => { aborted = true; r(undefined); }); })).catch((e: unknown) => e);
    expect((err as Error).message).toContain("waited 30 ms for a slow step");
    expect(aborted).toBe(true);
  });

  it("formats durations for people", () => {
    expect(formatDuration(500)).toBe("500 ms");
    expect(formatDuration(30_000)).toBe("30 s");
    expect(formatDuration(1500)).toBe("1.5 s");
    expect(formatDuration(300_000)).toBe("5 min");
  });
});

describe("eventually with a final answer", () => {
  it("stops at once when an attempt says the answer is final", async () => {
    const { GaveUpError } = await import("../../harness/eventually.ts");
    const t0 = Date.now();
    const err = await eventually(async () => ({ done: false, stop: true, observed: "status 500" }), { what: "a 200", timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GaveUpError);
    expect((err as Error).message).toBe("stopped waiting for a 200: status 500");
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
