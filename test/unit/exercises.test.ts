import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { exerciseDir, exerciseIds, loadAll, resolveId, solutionDir, stage } from "../../harness/exercises.ts";
import { LearnerFacingError } from "../../harness/errors.ts";

const ids = ["01-debug-container", "02-registry-push", "04-k8s-deploy"];

describe("resolveId", () => {
  it.each([["01"], ["1"], ["debug-container"], ["01-debug-container"], ["exercises/01-debug-container/"]])("resolves %s", (q) => {
    expect(resolveId(q, ids)).toBe("01-debug-container");
  });

  it("rejects an unknown id and lists the known ones", () => {
    expect(() => resolveId("99", ids)).toThrow(LearnerFacingError);
    try {
      resolveId("k8s", ids);
    } catch (err) {
      expect((err as LearnerFacingError).hint).toContain("01-debug-container, 02-registry-push, 04-k8s-deploy");
    }
  });
});

describe("the shipped exercises", () => {
  it("each has a README, a solution overlay, and consistent check ids", async () => {
    const all = await loadAll();
    expect(all.map((e) => e.id)).toEqual(exerciseIds());
    for (const ex of all) {
      expect(existsSync(path.join(exerciseDir(ex.id), "README.md")), `${ex.id} README`).toBe(true);
      expect(existsSync(solutionDir(ex.id)), `${ex.id} solution`).toBe(true);
      const ids = ex.checks.map((c) => c.id);
      expect(new Set(ids).size, `${ex.id} duplicate check ids`).toBe(ids.length);
      for (const id of ex.starterFails) expect(ids, `${ex.id} starterFails ${id}`).toContain(id);
      ex.checks.forEach((c, i) => {
        for (const need of c.needs ?? []) expect(ids.slice(0, i), `${ex.id}/${c.id} needs ${need} earlier`).toContain(need);
        expect(c.timeoutMs, `${ex.id}/${c.id} timeout`).toBeGreaterThan(0);
      });
    }
  });

  it("stages the starter without the exercise definition, and overlays only editable files when grading", async () => {
    const [ex] = await loadAll();
    const s = stage(ex!, solutionDir(ex!.id), { onlyEditable: true });
    try {
      expect(existsSync(path.join(s.dir, "exercise.mts"))).toBe(false);
      expect(existsSync(path.join(s.dir, "README.md"))).toBe(false);
      for (const f of ex!.editable) {
        const sol = path.join(solutionDir(ex!.id), f);
        if (existsSync(sol)) expect(readFileSync(path.join(s.dir, f), "utf8")).toBe(readFileSync(sol, "utf8"));
      }
    } finally {
      s.dispose();
    }
    expect(existsSync(s.dir)).toBe(false);
  });
});
