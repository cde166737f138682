// One cluster session per run: pick the provider, create or reuse its cluster,
// and open a fresh namespace for this run. `close()` deletes the namespace; a
// crashed run's namespaces are removed by `cleanStaleNamespaces` on a later run.
import { hostname } from "node:os";
import type { V1Namespace } from "@kubernetes/client-node";
import type { ClusterSession, RunOptions } from "../types.ts";
import { apiErrorCode, apiErrorMessage, kubeFor, kubeRequest } from "../k8s/client.ts";
import { eventually } from "../eventually.ts";
import { ContextProvider } from "./context.ts";
import { KindProvider } from "./kind.ts";
import { LocalProvider } from "./local.ts";
import type { ClusterProvider, EnsureOptions, ProviderDescription } from "./provider.ts";
import { NoClusterError } from "./provider.ts";

export { NoClusterError } from "./provider.ts";
export type { ClusterProvider, ProviderDescription } from "./provider.ts";

export const MANAGED_LABEL = "podlings.dev/managed";
export const RUN_LABEL = "podlings.dev/run";
/** Namespaces of crashed runs older than this are removed when the next session opens. */
export const STALE_NAMESPACE_MINUTES = 60;

export type ClosableClusterSession = ClusterSession & { close(): Promise<void> };

/** "kind" unless --provider or PODLINGS_PROVIDER says otherwise. */
export function providerName(options: RunOptions): string {
  return options.provider ?? process.env.PODLINGS_PROVIDER ?? "kind";
}

export function providerFor(options: RunOptions): ClusterProvider {
  const name = providerName(options);
  if (name === "kind") return new KindProvider();
  if (name === "local") return new LocalProvider();
  if (name.startsWith("context:") && name.length > "context:".length) {
    return new ContextProvider({ context: name.slice("context:".length), registry: options.registry ?? process.env.PODLINGS_REGISTRY });
  }
  throw new NoClusterError(`unknown cluster provider "${name}": use --provider kind, local, or context:NAME`);
}

export function namespaceFor(runId: string): string {
  return `podlings-${runId}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 63);
}

export async function openClusterSession(
  options: RunOptions,
  runId: string,
  ensure: EnsureOptions = {},
): Promise<ClosableClusterSession> {
  const provider = providerFor(options);
  const kubeconfigPath = await provider.ensure(ensure);
  const { core } = kubeFor(kubeconfigPath);
  const namespace = namespaceFor(runId);

  await deleteStaleNamespaces(kubeconfigPath, STALE_NAMESPACE_MINUTES).catch(() => undefined);
  try {
    await core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: { [MANAGED_LABEL]: "true", [RUN_LABEL]: runId, "podlings.dev/host": hostname().slice(0, 63) },
        },
      },
    });
  } catch (error) {
    if (apiErrorCode(error) !== 409) {
      throw new NoClusterError(`cannot use the ${provider.name} cluster: ${apiErrorMessage(error)}`, { cause: error });
    }
  }
  // Pods are refused until the namespace's default ServiceAccount exists.
  await eventually(
    async () => {
      await core.readNamespacedServiceAccount({ name: "default", namespace });
      return { done: true, observed: "the default service account exists" };
    },
    { what: `the default service account in namespace ${namespace}`, timeoutMs: 30_000, intervalMs: 250, signal: ensure.signal },
  );

  const loaded = new Map<string, Promise<string>>();
  const capabilities = [...provider.capabilities];
  if (capabilities.includes("cluster+pods") && (await servesMetrics(kubeconfigPath))) capabilities.push("cluster+metrics");
  return {
    provider: provider.name,
    namespace,
    capabilities,
    kubeconfigPath,
    loadImage(localTag: string): Promise<string> {
      let reference = loaded.get(localTag);
      if (!reference) {
        reference = provider.loadImage(localTag);
        reference.catch(() => loaded.delete(localTag));
        loaded.set(localTag, reference);
      }
      return reference;
    },
    async close(): Promise<void> {
      await core.deleteNamespace({ name: namespace, propagationPolicy: "Background" }).catch((error: unknown) => {
        if (apiErrorCode(error) !== 404) throw error;
      });
    },
  };
}

/**
 * Deletes namespaces podlings made (label podlings.dev/managed=true) that are older
 * than `maxAgeMinutes`, on the cluster of the chosen provider if it runs (it is
 * never created for this). Returns how many were deleted.
 */
export async function cleanStaleNamespaces(maxAgeMinutes = STALE_NAMESPACE_MINUTES, options: RunOptions = {}): Promise<number> {
  const kubeconfigPath = await providerFor(options).runningKubeconfig();
  if (!kubeconfigPath) return 0;
  return (await deleteStaleNamespaces(kubeconfigPath, maxAgeMinutes)).length;
}

export async function deleteStaleNamespaces(kubeconfigPath: string, maxAgeMinutes: number, now = new Date()): Promise<string[]> {
  const { core } = kubeFor(kubeconfigPath);
  const list = await core.listNamespace({ labelSelector: `${MANAGED_LABEL}=true` });
  const stale = staleNamespaces(list.items, maxAgeMinutes, now);
  for (const name of stale) {
    await core.deleteNamespace({ name, propagationPolicy: "Background" }).catch(() => undefined);
  }
  return stale;
}

/** Which of these namespaces are older than the limit and not already being deleted. */
export function staleNamespaces(namespaces: V1Namespace[], olderThanMinutes: number, now: Date): string[] {
  const limit = now.getTime() - olderThanMinutes * 60_000;
  return namespaces
    .filter((ns) => ns.metadata?.name && !ns.metadata.deletionTimestamp)
    .filter((ns) => {
      const created = ns.metadata?.creationTimestamp;
      return created !== undefined && new Date(created).getTime() < limit;
    })
    .map((ns) => ns.metadata!.name!);
}

/** `podlings doctor`: a few lines per provider (the chosen one first). Never throws. */
export async function describeProviders(options: RunOptions): Promise<string[]> {
  const chosen = providerName(options);
  const lines: string[] = [];
  for (const name of new Set([chosen, "kind", "local"])) {
    let described: ProviderDescription;
    try {
      described = await providerFor({ ...options, provider: name }).describe();
    } catch (error) {
      described = { provider: name, ready: false, facts: [], fix: (error as Error).message };
    }
    const mark = described.ready ? "✓" : "✗";
    lines.push(`${mark} cluster provider ${described.provider}${name === chosen ? " (selected)" : ""}`);
    for (const fact of described.facts) lines.push(`    ${fact}`);
    if (described.fix) lines.push(`    fix: ${described.fix}`);
  }
  return lines;
}

/** Is the resource metrics API (metrics-server) registered and answering? */
async function servesMetrics(kubeconfigPath: string): Promise<boolean> {
  try {
    const { kc } = kubeFor(kubeconfigPath);
    const r = await kubeRequest(kc, { method: "GET", path: "/apis/metrics.k8s.io/v1beta1", timeoutMs: 5000 });
    return r.status === 200;
  } catch {
    return false;
  }
}
