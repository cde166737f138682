// Pods of a Deployment: what state they are in (for failure messages), and
// self-healing: delete one, see the ReplicaSet replace it with a new pod.
import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import { eventually } from "../eventually.ts";
import type { Kube } from "./client.ts";
import { apiErrorMessage } from "./client.ts";

export const REPLACEMENT_TIMEOUT_MS = 90_000;

export function isPodReady(pod: V1Pod): boolean {
  return !pod.metadata?.deletionTimestamp && (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** "Running, Ready" or "Pending, not Ready: container app waiting (ImagePullBackOff: ...)". Pure. */
export function podProblems(pod: V1Pod): string {
  const phase = pod.status?.phase ?? "Unknown";
  if (pod.metadata?.deletionTimestamp) return `${phase}, terminating`;
  if (isPodReady(pod)) return `${phase}, Ready`;
  const reasons: string[] = [];
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = c.state?.waiting;
    const terminated = c.state?.terminated ?? c.lastState?.terminated;
    if (waiting?.reason) reasons.push(`container ${c.name} waiting (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""})`);
    else if (terminated?.reason) reasons.push(`container ${c.name} ${c.state?.terminated ? "terminated" : "last terminated"} (${terminated.reason}, exit code ${terminated.exitCode})`);
    if (c.restartCount > 0) reasons.push(`container ${c.name} restarted ${c.restartCount} times`);
  }
  const unschedulable = (pod.status?.conditions ?? []).find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unschedulable) reasons.push(`not scheduled (${unschedulable.reason}: ${unschedulable.message})`);
  return `${phase}, not Ready${reasons.length ? `: ${reasons.join("; ")}` : ""}`;
}

/** "app=my-app,tier=web" from a Deployment's matchLabels. */
export function labelSelectorOf(deployment: V1Deployment): string {
  const labels = deployment.spec?.selector?.matchLabels ?? {};
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
}

export async function podsOfDeployment(kube: Kube, namespace: string, name: string): Promise<{ deployment: V1Deployment; pods: V1Pod[] }> {
  const deployment = await kube.apps.readNamespacedDeployment({ name, namespace });
  const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: labelSelectorOf(deployment) });
  return { deployment, pods: pods.items };
}

export async function deletePod(kube: Kube, namespace: string, name: string): Promise<void> {
  await kube.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
}

export type ReplacementResult =
  | { ok: true; deleted: string; replacement: string; observed: string }
  | { ok: false; deleted?: string; observed: string };

/**
 * Deletes one ready pod of the Deployment and waits until the Deployment again has
 * its desired number of ready pods, one of them with a name we had not seen.
 */
export async function deletePodAndAwaitReplacement(
  kube: Kube,
  namespace: string,
  deploymentName: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ReplacementResult> {
  let before: V1Pod[];
  let desired: number;
  try {
    const found = await podsOfDeployment(kube, namespace, deploymentName);
    before = found.pods;
    desired = found.deployment.spec?.replicas ?? 1;
  } catch (error) {
    return { ok: false, observed: `cannot read Deployment ${deploymentName}: ${apiErrorMessage(error)}` };
  }
  const victim = before.find(isPodReady);
  if (!victim?.metadata?.name) {
    return { ok: false, observed: `Deployment ${deploymentName} has no ready pod to delete (${before.length} pods)` };
  }
  const deleted = victim.metadata.name;
  const known = new Set(before.map((p) => p.metadata?.name));
  await deletePod(kube, namespace, deleted);
  const timeoutMs = options.timeoutMs ?? REPLACEMENT_TIMEOUT_MS;
  try {
    const replacement = await eventually(
      async () => {
        const { pods } = await podsOfDeployment(kube, namespace, deploymentName);
        const ready = pods.filter((p) => isPodReady(p) && p.metadata?.name !== deleted);
        const fresh = ready.find((p) => !known.has(p.metadata?.name));
        const observed = `${ready.length}/${desired} ready; pods: ${pods.map((p) => `${p.metadata?.name} (${podProblems(p)})`).join(", ") || "none"}`;
        return { done: ready.length >= desired && fresh !== undefined, value: fresh?.metadata?.name ?? "", observed };
      },
      { what: `a replacement for pod ${deleted}`, timeoutMs, intervalMs: 500, signal: options.signal },
    );
    return { ok: true, deleted, replacement, observed: `deleted ${deleted}; ${replacement} took its place` };
  } catch (error) {
    return { ok: false, deleted, observed: `deleted ${deleted}; ${apiErrorMessage(error)}` };
  }
}
