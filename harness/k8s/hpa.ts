// HorizontalPodAutoscaler (autoscaling/v2): what it targets, and what its status
// and conditions say (AbleToScale, ScalingActive, ScalingLimited).
import type { V2HorizontalPodAutoscaler } from "@kubernetes/client-node";
import type { Kube } from "./client.ts";

export interface HpaSummary {
  target: string;
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
  /** "cpu 12% (target 50%)" per resource metric that has a current value. */
  currentMetrics: string[];
  conditions: Record<string, { status: string; reason?: string; message?: string }>;
}

export async function readHpa(kube: Kube, namespace: string, name: string): Promise<V2HorizontalPodAutoscaler> {
  return kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace });
}

/** Pure. */
export function summarizeHpa(hpa: V2HorizontalPodAutoscaler): HpaSummary {
  const ref = hpa.spec?.scaleTargetRef;
  const targets = new Map<string, string>();
  for (const m of hpa.spec?.metrics ?? []) {
    const t = m.resource?.target;
    if (m.resource) targets.set(m.resource.name, t?.averageUtilization !== undefined ? `${t.averageUtilization}%` : String(t?.averageValue ?? t?.value ?? "?"));
  }
  const currentMetrics = (hpa.status?.currentMetrics ?? []).flatMap((m) => {
    if (!m.resource) return [];
    const c = m.resource.current;
    const value = c.averageUtilization !== undefined ? `${c.averageUtilization}%` : String(c.averageValue ?? c.value ?? "?");
    const target = targets.get(m.resource.name);
    return [`${m.resource.name} ${value}${target ? ` (target ${target})` : ""}`];
  });
  const conditions: HpaSummary["conditions"] = {};
  for (const c of hpa.status?.conditions ?? []) conditions[c.type] = { status: c.status, reason: c.reason, message: c.message };
  return {
    target: ref ? `${ref.kind}/${ref.name}` : "(none)",
    minReplicas: hpa.spec?.minReplicas ?? 1,
    maxReplicas: hpa.spec?.maxReplicas ?? 0,
    currentReplicas: hpa.status?.currentReplicas ?? 0,
    desiredReplicas: hpa.status?.desiredReplicas ?? 0,
    currentMetrics,
    conditions,
  };
}

/** "ScalingActive=False (FailedGetResourceMetric: ...)". Pure. */
export function formatCondition(summary: HpaSummary, type: string): string {
  const c = summary.conditions[type];
  if (!c) return `${type} not reported yet`;
  return `${type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ""})` : ""}`;
}
