// A CheckContext for driving the K8s checks directly against a session, as the
// runner would: the same state map across checks, no Docker labels, no progress.
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
