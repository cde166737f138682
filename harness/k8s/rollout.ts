// Waiting for a Deployment rollout the way `kubectl rollout status` judges it:
// the controller has seen the latest spec, and every desired replica is updated
// and available, with no old replicas left.
import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import { eventually, formatDuration } from "../eventually.ts";
import type { Kube } from "./client.ts";
import { apiErrorCode, apiErrorMessage } from "./client.ts";
import { podProblems } from "./pods.ts";

export const ROLLOUT_TIMEOUT_MS = 120_000;

export interface RolloutState {
  done: boolean;
  /** The controller reported ProgressDeadlineExceeded: waiting longer will not help. */
  stuck: boolean;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  /** "2 desired, 1 updated, 1 ready, 1 available; Available=False (MinimumReplicasUnavailable)". */
  observed: string;
}

/** Judges one snapshot of a Deployment. Pure. */
export function rolloutState(deployment: V1Deployment): RolloutState {
  const spec = deployment.spec;
  const status = deployment.status ?? {};
  const desired = spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const ready = status.readyReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  const seen = (deployment.metadata?.generation ?? 0) <= (status.observedGeneration ?? 0);
  const conditions = (status.conditions ?? []).map(
    (c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ""})` : ""}`,
  );
  const stuck = (status.conditions ?? []).some((c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded");
  const counts = `${desired} desired, ${updated} updated, ${ready} ready, ${available} available` + (total > desired ? `, ${total - desired} old` : "");
  const observed = [
    seen ? counts : `${counts} (the controller has not seen the latest spec yet)`,
    ...(conditions.length ? [conditions.join(", ")] : []),
  ].join("; ");
  const done = seen && updated >= desired && available >= desired && total <= desired;
  return { done, stuck, desired, updated, ready, available, observed };
}

export interface RolloutWait {
  timeoutMs?: number;
  /** Also require this many replicas in the spec (e.g. the exercise asks for 2). */
  replicas?: number;
  signal?: AbortSignal;
}

export type RolloutResult =
  | { ok: true; state: RolloutState }
  | { ok: false; observed: string; details: string[] };

/** Waits until the rollout completes; on failure says what the Deployment and its pods looked like last. */
export async function waitForRollout(kube: Kube, namespace: string, name: string, options: RolloutWait = {}): Promise<RolloutResult> {
  const timeoutMs = options.timeoutMs ?? ROLLOUT_TIMEOUT_MS;
  let last: V1Deployment | undefined;
  let lastState: RolloutState | undefined;
  try {
    const state = await eventually(
      async () => {
        try {
          last = await kube.apps.readNamespacedDeployment({ name, namespace });
        } catch (error) {
          if (apiErrorCode(error) === 404) return { done: false, observed: `no Deployment ${name} in the namespace` };
          throw new Error(apiErrorMessage(error));
        }
        const s = rolloutState(last);
        lastState = s;
        // A rollout past its progress deadline will not finish by waiting longer.
        return { done: s.done || s.stuck, value: s, observed: s.observed };
      },
      { what: `Deployment ${name} to roll out`, timeoutMs, intervalMs: 500, signal: options.signal },
    );
    if (state.stuck) {
      return { ok: false, observed: `rollout stuck: ${state.observed}`, details: last ? await podDetails(kube, namespace, last) : [] };
    }
    if (options.replicas !== undefined && state.desired !== options.replicas) {
      return { ok: false, observed: `Deployment ${name} asks for ${state.desired} replicas`, details: [] };
    }
    return { ok: true, state };
  } catch (error) {
    // A TimeoutError already names the wait and what it last saw.
    const observed = lastState ? `${lastState.observed} (waited ${formatDuration(timeoutMs)})` : apiErrorMessage(error);
    const details = last ? await podDetails(kube, namespace, last) : [];
    return { ok: false, observed, details };
  }
}

async function podDetails(kube: Kube, namespace: string, deployment: V1Deployment): Promise<string[]> {
  const selector = deployment.spec?.selector?.matchLabels;
  if (!selector) return [];
  const labelSelector = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(",");
  try {
    const pods = await kube.core.listNamespacedPod({ namespace, labelSelector });
    return pods.items.map((pod: V1Pod) => `pod ${pod.metadata?.name}: ${podProblems(pod)}`);
  } catch {
    return [];
  }
}
