// An existing cluster from the user's kubeconfig (EKS, k3d, minikube, ...):
// `--provider context:NAME`. We never create or delete it; images reach it
// through a registry the user names (`--registry`), with docker tag + push.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import type { Capability } from "../types.ts";
import { CommandNotFoundError, runCommand, tail } from "./command.ts";
import type { ClusterProvider, ProviderDescription } from "./provider.ts";
import { NoClusterError, stateDir } from "./provider.ts";

export interface ContextOptions {
  context: string;
  /** e.g. "registry.example.com/me" or "localhost:5000": where pushed images go. */
  registry?: string;
  /** Kubeconfig to read the context from; defaults to $KUBECONFIG or ~/.kube/config. */
  kubeconfigFile?: string;
  dockerBin?: string;
  env?: NodeJS.ProcessEnv;
}

export class ContextProvider implements ClusterProvider {
  readonly name: string;
  readonly capabilities: Capability[] = ["cluster", "cluster+pods"];
  readonly context: string;
  readonly kubeconfigPath: string;
  private readonly registry: string | undefined;
  private readonly kubeconfigFile: string | undefined;
  private readonly dockerBin: string;
  private readonly env: NodeJS.ProcessEnv | undefined;

  constructor(options: ContextOptions) {
    this.context = options.context;
    this.name = `context:${options.context}`;
    this.registry = options.registry?.replace(/\/+$/, "");
    this.kubeconfigFile = options.kubeconfigFile;
    this.dockerBin = options.dockerBin ?? "docker";
    this.env = options.env;
    this.kubeconfigPath = path.join(stateDir(), "context", `${safeFileName(options.context)}.kubeconfig`);
  }

  /** Writes a kubeconfig whose current context is the chosen one, so nothing depends on the user's current context. */
  async ensure(): Promise<string> {
    const kc = new KubeConfig();
    try {
      if (this.kubeconfigFile) kc.loadFromFile(this.kubeconfigFile);
      else kc.loadFromDefault();
    } catch (error) {
      throw new NoClusterError(`cannot read your kubeconfig: ${(error as Error).message}`, { cause: error });
    }
    if (!kc.getContextObject(this.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new NoClusterError(
        `no context named ${this.context} in your kubeconfig (known: ${known.length ? known.join(", ") : "none"})`,
      );
    }
    kc.setCurrentContext(this.context);
    await mkdir(path.dirname(this.kubeconfigPath), { recursive: true });
    await writeFile(this.kubeconfigPath, kc.exportConfig(), { mode: 0o600 });
    return this.kubeconfigPath;
  }

  async runningKubeconfig(): Promise<string | undefined> {
    return this.ensure().catch(() => undefined);
  }

  async loadImage(localTag: string): Promise<string> {
    if (!this.registry) {
      throw new NoClusterError(
        `--provider ${this.name} needs --registry REGISTRY (a registry the cluster can pull from) to get image ${localTag} into the cluster`,
      );
    }
    const remote = registryReference(this.registry, localTag);
    for (const args of [["tag", localTag, remote], ["push", remote]]) {
      let result;
      try {
        result = await runCommand(this.dockerBin, args, { env: this.env, timeoutMs: 600_000 });
      } catch (error) {
        if (error instanceof CommandNotFoundError) throw new NoClusterError("docker is not installed: it is needed to push images to --registry");
        throw error;
      }
      if (result.exitCode !== 0) throw new Error(`docker ${args.join(" ")} failed: ${tail(result, 3)}`);
    }
    return remote;
  }

  async delete(): Promise<void> {
    // Not ours to delete; the run namespaces are cleaned up by the session.
  }

  async describe(): Promise<ProviderDescription> {
    try {
      await this.ensure();
      return {
        provider: this.name,
        ready: true,
        facts: [`context: ${this.context}`, `registry: ${this.registry ?? "none (set --registry to run checks that need your images)"}`],
        fix: this.registry ? undefined : "pass --registry REGISTRY so the cluster can pull the images you build",
      };
    } catch (error) {
      return { provider: this.name, ready: false, facts: [`context: ${this.context}`], fix: (error as Error).message };
    }
  }
}

/** `simple-node:1.0` pushed to `registry.example.com/me` becomes `registry.example.com/me/simple-node:1.0`. */
export function registryReference(registry: string, localTag: string): string {
  const trimmed = registry.replace(/\/+$/, "");
  // Keep only the repository's last path segment and tag: the local name's own registry or namespace is not the target's.
  const lastSegment = localTag.split("/").pop() ?? localTag;
  const withTag = lastSegment.includes(":") || lastSegment.includes("@") ? lastSegment : `${lastSegment}:latest`;
  return `${trimmed}/${withTag}`;
}

function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}
