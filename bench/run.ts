// Benchmark: podlings' checks for exercise 01 (solution applied) against a raw
// docker-CLI script doing the same steps, side by side in one run.
// Usage: npm run bench [-- --runs 3]
import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureDocker } from "../harness/docker/client.ts";
import { loadExercise, PACKAGE_ROOT, solutionDir, stage } from "../harness/exercises.ts";
import { runExercise } from "../harness/run.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, exercise: { type: "string", default: "01-debug-container" } } });
const runs = Math.max(1, Number(values.runs));

await ensureDocker();
const ex = await loadExercise(values.exercise);
const staged = stage(ex, solutionDir(ex.id));

const timings: Record<string, number[]> = { podlings: [], "raw docker CLI": [] };
try {
  for (let i = 0; i < runs; i++) {
    // Alternate the order so neither side always gets the warm cache.
    const order = i % 2 === 0 ? ["podlings", "raw docker CLI"] : ["raw docker CLI", "podlings"];
    for (const side of order) {
      const t0 = performance.now();
      if (side === "podlings") {
        const res = await runExercise({ exercise: ex, dir: staged.dir, source: "bench" });
        if (!res.passed) throw new Error(`podlings run failed: ${res.results.filter((r) => r.status !== "passed").map((r) => r.id).join(", ")}`);
      } else {
        const r = spawnSync("bash", [path.join(PACKAGE_ROOT, "bench/raw-docker.sh"), staged.dir], { stdio: "inherit" });
        if (r.status !== 0) throw new Error(`raw docker script failed (exit ${r.status})`);
      }
      timings[side]!.push((performance.now() - t0) / 1000);
    }
  }
} finally {
  staged.dispose();
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! };
};
console.log(`\nexercise ${ex.id}, solution applied, ${runs} run(s) each (build, run confined, stays up 5 s, GET /health, 6 s of requests + log scan, cleanup)`);
console.log(`${"".padEnd(16)}${"min".padStart(9)}${"median".padStart(9)}${"max".padStart(9)}`);
for (const [side, xs] of Object.entries(timings)) {
  const s = stats(xs);
  console.log(`${side.padEnd(16)}${s.min.toFixed(2).padStart(8)}s${s.median.toFixed(2).padStart(8)}s${s.max.toFixed(2).padStart(8)}s`);
}
const ratio = stats(timings.podlings!).median / stats(timings["raw docker CLI"]!).median;
console.log(`podlings / raw: ${ratio.toFixed(2)}x (median)`);
