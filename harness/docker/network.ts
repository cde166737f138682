// User-defined networks give containers DNS names (e.g. a backend reachable as
// "my-app-2-svc"), like Services do in Kubernetes.
import { docker } from "./client.ts";

export async function createNetwork(name: string, labels: Record<string, string>): Promise<string> {
  const n = await docker().createNetwork({ Name: name, Labels: labels, CheckDuplicate: true });
  return n.id;
}

export async function removeNetwork(id: string): Promise<void> {
  await docker().getNetwork(id).remove().catch(() => undefined);
}
