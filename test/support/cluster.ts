// What the local control plane offers on this machine. Checks that need real
// pods (or metrics-server) are "not-run" where it lacks them; tests state that
// expectation once, here. In CI the cluster has both (PODLINGS_LOCAL_PODS=real),
// and test/cluster/local-pods-smoke.test.ts fails loudly if it does not.
import { LocalProvider } from "../../harness/cluster/local.ts";
import { kubeFor, kubeRequest } from "../../harness/k8s/client.ts";
import type { CheckStatus } from "../../harness/types.ts";

export const LOCAL = { provider: "local" };
export const local = new LocalProvider();
export const PODS = local.capabilities.includes("cluster+pods");

/** The status a real-pods check must have here: the given one, or not run. */
export const withPods = (status: CheckStatus): CheckStatus => (PODS ? status : "not-run");

/** Whether the running local cluster serves the metrics API (metrics-server). */
export async function metricsServed(): Promise<boolean> {
  const r = await kubeRequest(kubeFor(local.kubeconfigPath).kc, { method: "GET", path: "/apis/metrics.k8s.io/v1beta1", timeoutMs: 10_000 });
  return r.status === 200;
}

/** The status a check needing real pods and metrics-server must have here. */
export async function withMetrics(status: CheckStatus): Promise<CheckStatus> {
  return PODS && (await metricsServed()) ? status : "not-run";
}
