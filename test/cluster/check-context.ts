// A CheckContext for driving the K8s checks directly against a session, as the
// runner would: the same state map across checks, no Docker labels, no progress.
import { execFileSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openClusterSession, type ClosableClusterSession } from "../../harness/cluster/session.ts";
import type { CheckContext, ClusterSession, Exercise } from "../../harness/types.ts";

export function checkContext(options: { dir: string; runId: string; session: () => ClusterSession; state?: Map<string, unknown> }): CheckContext {
  const exercise: Exercise = { id: "00-smoke", title: "smoke", order: 0, requires: ["cluster"], editable: [], hints: [], starterFails: [], checks: [] };
  return {
    exercise,
    dir: options.dir,
    runId: options.runId,
    labels: {},
    state: options.state ?? new Map(),
    signal: new AbortController().signal,
    progress: () => undefined,
    defer: () => undefined,
    cluster: async () => options.session(),
    options: { provider: "local" },
  };
}

/**
 * Builds the "learner's" image for the real-pods tests (a static Go server FROM
 * scratch, so no registry is involved) and opens a real-pods session on the
 * local control plane, failing loudly when it cannot be had.
 */
export async function realPodsSetup(image: string, runId: string): Promise<ClosableClusterSession> {
  process.env.PODLINGS_LOCAL_PODS = "real";
  const fixture = path.join(import.meta.dirname, "fixtures", "hello");
  const go = process.env.GO ?? "go";
  const build = await mkdtemp(path.join(tmpdir(), "podlings-hello-"));
  execFileSync(go, ["build", "-trimpath", "-o", path.join(build, "hello"), "."], { cwd: fixture, env: { ...process.env, CGO_ENABLED: "0", PATH: `${process.env.PATH}:/usr/local/go/bin` } });
  execFileSync("cp", [path.join(fixture, "Dockerfile"), build]);
  execFileSync("docker", ["build", "-q", "-t", image, build], { stdio: ["ignore", "ignore", "pipe"] });
  try {
    return await openClusterSession({ provider: "local" }, runId, { progress: (m) => console.log(m) });
  } catch (error) {
    throw new Error(`the local control plane with real pods could not be had: ${(error as Error).message}`, { cause: error });
  }
}
