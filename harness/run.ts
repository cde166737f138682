// Runs one exercise's checks in order against a staged directory and returns
// plain data. Dependencies and capabilities decide "not run"; nothing that did
// not run is ever reported as passed.
import { EngineUnavailableError, LearnerFacingError, messageOf } from "./errors.ts";
import { TimeoutError, formatDuration, withTimeout } from "./eventually.ts";
import { newRunId, runLabels } from "./docker/labels.ts";
import { removeRun } from "./docker/cleanup.ts";
import type { Capability, Check, CheckContext, CheckResult, ClusterSession, Exercise, ExerciseResult, RunOptions } from "./types.ts";

export interface RunEvents {
  onCheckStart?(check: Check): void;
  onCheckEnd?(result: CheckResult): void;
  onProgress?(message: string): void;
}

export interface RunRequest {
  exercise: Exercise;
  dir: string;
  source: string;
  options?: RunOptions;
  signal?: AbortSignal;
  events?: RunEvents;
}

type ClosableSession = ClusterSession & { close(): Promise<void> };

const NEEDS_PODS = "needs real pods: run on kind, with --provider context:NAME, or on the local control plane with real pods (see docs/clusters.md)";
const NEEDS_METRICS = "needs metrics-server: podlings installs it on the kind clusters it creates; elsewhere `kubectl apply -f clusters/metrics-server/metrics-server.yaml`";

export async function runExercise(req: RunRequest): Promise<ExerciseResult> {
  const { exercise, events } = req;
  const options = req.options ?? {};
  const runId = newRunId();
  const started = Date.now();
  const cleanups: Array<() => Promise<void> | void> = [];
  const state = new Map<string, unknown>();
  const runAbort = new AbortController();
  const onOuter = () => runAbort.abort();
  req.signal?.addEventListener("abort", onOuter, { once: true });

  let session: Promise<ClosableSession> | undefined;
  const openCluster = (): Promise<ClosableSession> => {
    session ??= import("./cluster/session.ts").then((m) => m.openClusterSession(options, runId));
    return session;
  };

  const results: CheckResult[] = [];
  const byId = new Map<string, CheckResult>();
  let provider: string | undefined;

  try {
    for (const check of exercise.checks) {
      const base = { id: check.id, title: check.title, timeoutMs: check.timeoutMs, slow: check.slow };
      const result = await runOne(check);
      const full: CheckResult = { ...base, ...result };
      results.push(full);
      byId.set(check.id, full);
      events?.onCheckEnd?.(full);
      if (runAbort.signal.aborted) break;
    }
  } finally {
    req.signal?.removeEventListener("abort", onOuter);
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch {
        /* cleanup is best effort; leftovers are caught by label later */
      }
    }
    if (session) await session.then((s) => s.close()).catch(() => undefined);
    await removeRun(runId).catch(() => undefined);
  }

  const passed = results.every((r) => r.status === "passed") && results.length === exercise.checks.length;
  return {
    exercise: exercise.id,
    title: exercise.title,
    source: req.source,
    provider,
    passed,
    results,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  };

  async function runOne(check: Check): Promise<Omit<CheckResult, "id" | "title" | "timeoutMs" | "slow">> {
    const t0 = Date.now();
    const notRun = (reason: string, missing?: Capability) => ({ status: "not-run" as const, reason, missing, durationMs: 0 });
    if (check.slow && !options.slow) return notRun("slow check: run with --slow");
    const unmet = (check.needs ?? []).map((id) => byId.get(id)).filter((r) => r && r.status !== "passed");
    const unknown = (check.needs ?? []).filter((id) => !byId.has(id));
    if (unknown.length) return notRun(`needs ${unknown.join(", ")}, which is not an earlier check (exercise definition bug)`);
    if (unmet.length) return notRun(`needs "${unmet[0]!.title}" to pass first`);

    const requires = check.requires ?? exercise.requires;
    if (requires.some((c) => c.startsWith("cluster"))) {
      try {
        const s = await openCluster();
        provider = s.provider;
        if (requires.includes("cluster+pods") && !s.capabilities.includes("cluster+pods")) {
          return notRun(`${NEEDS_PODS} (the ${s.provider} cluster has no container runtime)`, "cluster+pods");
        }
        if (requires.includes("cluster+metrics") && !s.capabilities.includes("cluster+metrics")) {
          return notRun(`${NEEDS_METRICS} (the ${s.provider} cluster does not serve metrics.k8s.io)`, "cluster+metrics");
        }
      } catch (err) {
        return {
          status: "failed",
          expected: "a Kubernetes cluster to deploy to",
          observed: messageOf(err),
          hint: err instanceof LearnerFacingError ? err.hint : "see `podlings doctor`",
          durationMs: Date.now() - t0,
        };
      }
    }

    events?.onCheckStart?.(check);
    try {
      const verdict = await withTimeout(
        check.title,
        check.timeoutMs,
        (signal) => check.run(contextFor(signal)),
        runAbort.signal,
      );
      return {
        status: verdict.ok ? "passed" : "failed",
        expected: verdict.expected,
        observed: verdict.observed,
        hint: verdict.hint,
        details: verdict.details,
        durationMs: Date.now() - t0,
      };
    } catch (err) {
      if (err instanceof EngineUnavailableError || err instanceof LearnerFacingError) {
        return { status: "failed", expected: check.title, observed: err.message, hint: err.hint, durationMs: Date.now() - t0 };
      }
      if (err instanceof TimeoutError) {
        return {
          status: "failed",
          expected: `${check.title} within ${formatDuration(check.timeoutMs)}`,
          observed: `timed out after ${formatDuration(check.timeoutMs)}`,
          hint: "the step hung: read the logs of the container or pod it was waiting for",
          durationMs: Date.now() - t0,
        };
      }
      if (runAbort.signal.aborted) {
        return { status: "failed", expected: check.title, observed: "interrupted", durationMs: Date.now() - t0 };
      }
      const details = options.debug && err instanceof Error && err.stack ? err.stack.split("\n") : undefined;
      return {
        status: "failed",
        expected: check.title,
        observed: `podlings could not run this check: ${messageOf(err)}`,
        hint: "this looks like a podlings bug or an engine problem; rerun with --debug and report it",
        details,
        durationMs: Date.now() - t0,
      };
    }
  }

  function contextFor(signal: AbortSignal): CheckContext {
    return {
      exercise,
      dir: req.dir,
      runId,
      labels: runLabels(runId),
      state,
      signal,
      progress: (m) => events?.onProgress?.(m),
      defer: (fn) => void cleanups.push(fn),
      cluster: openCluster,
      options,
    };
  }
}
