// Logs of a pod, or of every pod of a Deployment, for checks and failure details.
import type { Kube } from "./client.ts";
import { apiErrorMessage } from "./client.ts";
import { podsOfDeployment } from "./pods.ts";

export interface LogOptions {
  container?: string;
  tailLines?: number;
  /** The previous (crashed) container's log. */
  previous?: boolean;
}

export async function podLogs(kube: Kube, namespace: string, pod: string, options: LogOptions = {}): Promise<string> {
  return kube.core.readNamespacedPodLog({
    name: pod,
    namespace,
    container: options.container,
    tailLines: options.tailLines,
    previous: options.previous,
  });
}

/** Each pod's log, keyed by pod name; a pod whose log cannot be read maps to the reason. */
export async function deploymentLogs(kube: Kube, namespace: string, deployment: string, options: LogOptions = {}): Promise<Map<string, string>> {
  const { pods } = await podsOfDeployment(kube, namespace, deployment);
  const logs = new Map<string, string>();
  for (const pod of pods) {
    const name = pod.metadata?.name;
    if (!name) continue;
    try {
      logs.set(name, await podLogs(kube, namespace, name, options));
    } catch (error) {
      logs.set(name, `(no log: ${apiErrorMessage(error)})`);
    }
  }
  return logs;
}
