// Which pods a Service really sends traffic to, read from its EndpointSlices
// (discovery.k8s.io/v1), and, when there are none, why: the selector and the pod
// labels, or the targetPort and the containers' ports.
import type { V1Pod, V1Service, V1ServicePort } from "@kubernetes/client-node";
import type { Kube } from "./client.ts";
import { apiErrorCode, apiErrorMessage } from "./client.ts";
import { isPodReady } from "./pods.ts";

export interface ReadyEndpoint {
  address: string;
  /** The pod behind the address, when the slice names it. */
  pod?: string;
}

export interface ServiceEndpoints {
  ready: ReadyEndpoint[];
  notReady: ReadyEndpoint[];
  /** The ports the slices publish, e.g. ["http 8080/TCP"]. */
  ports: string[];
}

export async function serviceEndpoints(kube: Kube, namespace: string, service: string): Promise<ServiceEndpoints> {
  const slices = await kube.discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${service}` });
  const ready: ReadyEndpoint[] = [];
  const notReady: ReadyEndpoint[] = [];
  const ports = new Set<string>();
  for (const slice of slices.items) {
    for (const p of slice.ports ?? []) ports.add(`${p.name ? `${p.name} ` : ""}${p.port ?? "?"}/${p.protocol ?? "TCP"}`);
    for (const endpoint of slice.endpoints ?? []) {
      // The API says an unset `ready` means ready.
      const target = endpoint.conditions?.ready === false ? notReady : ready;
      for (const address of endpoint.addresses) target.push({ address, pod: endpoint.targetRef?.kind === "Pod" ? endpoint.targetRef.name : undefined });
    }
  }
  return { ready, notReady, ports: [...ports] };
}

export interface PodLabels {
  name: string;
  labels: Record<string, string>;
  ready?: boolean;
}

/** "{app: my-app, tier: web}". */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).filter(([key]) => key !== "pod-template-hash");
  return `{${entries.map(([k, v]) => `${k}: ${v}`).join(", ")}}`;
}

export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/**
 * Why a selector finds no (ready) pods, in one line. Pure.
 * e.g. "selector {run: my-app} matches 0 pods; pods carry {app: my-app}".
 */
export function diagnoseSelector(selector: Record<string, string> | undefined, pods: PodLabels[]): string {
  if (!selector || Object.keys(selector).length === 0) {
    return "the Service has no selector, so Kubernetes does not manage its endpoints";
  }
  const matching = pods.filter((p) => selects(selector, p.labels));
  if (pods.length === 0) return `selector ${formatLabels(selector)} matches 0 pods; there are no pods in the namespace`;
  if (matching.length === 0) {
    const carried = [...new Set(pods.map((p) => formatLabels(p.labels)))];
    return `selector ${formatLabels(selector)} matches 0 pods; pods carry ${carried.join(" or ")}`;
  }
  const ready = matching.filter((p) => p.ready);
  if (ready.length === 0) {
    return `selector ${formatLabels(selector)} matches ${matching.length} pod${matching.length === 1 ? "" : "s"}, none of them ready: ${matching.map((p) => p.name).join(", ")}`;
  }
  return `selector ${formatLabels(selector)} matches ${matching.length} pod${matching.length === 1 ? "" : "s"} (${ready.length} ready)`;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
}

/**
 * Does each Service port's targetPort reach a port the pods declare? Returns one
 * line per mismatch; none when all match or the pods declare no ports at all
 * (containerPort is informational, so an undeclared port may still work). Pure.
 */
export function diagnoseTargetPorts(servicePorts: V1ServicePort[], containerPorts: ContainerPort[]): string[] {
  if (containerPorts.length === 0) return [];
  const declared = containerPorts.map((p) => (p.name ? `${p.name}=${p.containerPort}` : String(p.containerPort))).join(", ");
  const problems: string[] = [];
  for (const sp of servicePorts) {
    const target = sp.targetPort ?? sp.port;
    const label = `Service port ${sp.port}${sp.name ? ` (${sp.name})` : ""}`;
    if (typeof target === "number" || /^\d+$/.test(String(target))) {
      const number = Number(target);
      if (!containerPorts.some((p) => p.containerPort === number)) {
        problems.push(`${label} targets port ${number}, but the pods' containers declare ${declared}`);
      }
    } else if (!containerPorts.some((p) => p.name === target)) {
      problems.push(`${label} targets the port named ${target}, but the pods' containers declare ${declared}`);
    }
  }
  return problems;
}

export interface ServiceDiagnosis {
  /** One line for `observed`. */
  summary: string;
  /** Port mismatches and the like, for `details`. */
  details: string[];
}

/** Reads the Service and the namespace's pods and says why traffic would not reach them. */
export async function diagnoseService(kube: Kube, namespace: string, name: string): Promise<ServiceDiagnosis> {
  let service: V1Service;
  try {
    service = await kube.core.readNamespacedService({ name, namespace });
  } catch (error) {
    if (apiErrorCode(error) === 404) return { summary: `there is no Service named ${name}`, details: [] };
    return { summary: `cannot read Service ${name}: ${apiErrorMessage(error)}`, details: [] };
  }
  const pods = (await kube.core.listNamespacedPod({ namespace })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const selector = service.spec?.selector;
  const summary = diagnoseSelector(selector, pods.map(toPodLabels));
  const selected = selector ? pods.filter((p) => selects(selector, p.metadata?.labels ?? {})) : [];
  const containerPorts = selected.flatMap((p) => (p.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((port) => ({ name: port.name, containerPort: port.containerPort }))));
  const unique = [...new Map(containerPorts.map((p) => [`${p.name}:${p.containerPort}`, p])).values()];
  return { summary, details: diagnoseTargetPorts(service.spec?.ports ?? [], unique) };
}

function toPodLabels(pod: V1Pod): PodLabels {
  return { name: pod.metadata?.name ?? "?", labels: pod.metadata?.labels ?? {}, ready: isPodReady(pod) };
}
