// Which kinds the API server serves, and under which resource name. Asked once per
// group/version and kubeconfig. Also knows the API versions Kubernetes removed, so
// "not served" can say what to use instead.
import type { KubeConfig } from "@kubernetes/client-node";
import { kubeRequest, parseStatus } from "./client.ts";

export interface ServedKind {
  /** Plural resource name used in URLs, e.g. "deployments". */
  resource: string;
  namespaced: boolean;
}

export type Discovery =
  | { served: true; kind: ServedKind }
  /** `serverMessage` is the API server's own words (e.g. "the server could not find the requested resource"). */
  | { served: false; serverMessage: string };

interface ResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
}

const cache = new WeakMap<KubeConfig, Map<string, Promise<{ status: number; body: string }>>>();

export function apiPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export async function discover(kc: KubeConfig, apiVersion: string, kind: string): Promise<Discovery> {
  let perConfig = cache.get(kc);
  if (!perConfig) cache.set(kc, (perConfig = new Map()));
  let answer = perConfig.get(apiVersion);
  if (!answer) {
    answer = kubeRequest(kc, { method: "GET", path: apiPath(apiVersion), timeoutMs: 15_000 });
    answer.catch(() => perConfig.delete(apiVersion));
    perConfig.set(apiVersion, answer);
  }
  const { status, body } = await answer;
  if (status !== 200) {
    perConfig.delete(apiVersion);
    // For an unknown group/version the server answers a plain "404 page not found", not a Status.
    const said = parseStatus(body)?.message ?? (body.trim().split("\n")[0]!.slice(0, 200) || `HTTP ${status}`);
    return { served: false, serverMessage: `GET ${apiPath(apiVersion)}: ${said}` };
  }
  const list = JSON.parse(body) as ResourceList;
  const found = list.resources?.find((r) => r.kind === kind && !r.name.includes("/"));
  if (!found) return { served: false, serverMessage: `GET ${apiPath(apiVersion)} lists no resource of kind ${kind}` };
  return { served: true, kind: { resource: found.name, namespaced: found.namespaced } };
}

interface Removal {
  removedIn: string;
  use: string;
}

/** API versions Kubernetes stopped serving, by "group/version kind"; from the upstream deprecation guide. */
const REMOVED: Record<string, Removal> = {};
function removed(apiVersions: string[], kinds: string[], removedIn: string, use: string): void {
  for (const v of apiVersions) for (const k of kinds) REMOVED[`${v} ${k}`] = { removedIn, use };
}
removed(["extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"], ["Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"], "1.16", "apps/v1");
removed(["extensions/v1beta1"], ["NetworkPolicy"], "1.16", "networking.k8s.io/v1");
removed(["extensions/v1beta1", "networking.k8s.io/v1beta1"], ["Ingress", "IngressClass"], "1.22", "networking.k8s.io/v1");
removed(["extensions/v1beta1", "policy/v1beta1"], ["PodSecurityPolicy"], "1.25", "Pod Security Admission (no replacement object)");
removed(["batch/v1beta1"], ["CronJob"], "1.25", "batch/v1");
removed(["policy/v1beta1"], ["PodDisruptionBudget"], "1.25", "policy/v1");
removed(["autoscaling/v2beta1"], ["HorizontalPodAutoscaler"], "1.25", "autoscaling/v2");
removed(["autoscaling/v2beta2"], ["HorizontalPodAutoscaler"], "1.26", "autoscaling/v2");
removed(["discovery.k8s.io/v1beta1"], ["EndpointSlice"], "1.25", "discovery.k8s.io/v1");
removed(["rbac.authorization.k8s.io/v1beta1"], ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"], "1.22", "rbac.authorization.k8s.io/v1");

/**
 * The learner-facing sentence for a kind the server does not serve, e.g.
 * "no kind Deployment is served in extensions/v1beta1 (removed in Kubernetes 1.16); use apps/v1".
 */
export function notServedMessage(apiVersion: string, kind: string): string {
  const removal = REMOVED[`${apiVersion} ${kind}`];
  const base = `no kind ${kind} is served in ${apiVersion}`;
  return removal ? `${base} (removed in Kubernetes ${removal.removedIn}); use ${removal.use}` : base;
}
