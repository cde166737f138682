// kind: the learners' default. One single-node cluster named "podlings", created
// once and reused; images go in with `kind load docker-image`.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Capability } from "../types.ts";
import { CommandNotFoundError, runCommand, tail } from "./command.ts";
import type { ClusterProvider, EnsureOptions, ProviderDescription } from "./provider.ts";
import { NoClusterError, repoRoot, stateDir } from "./provider.ts";

export const KIND_INSTALL_HINT =
  "kind is not installed: install it from https://kind.sigs.k8s.io/docs/user/quick-start/#installation " +
  "(or `go install sigs.k8s.io/kind@latest`), or pick another cluster with --provider local|context:NAME";

export interface KindOptions {
  /** The kind executable; tests point this (or PATH) at a fake. */
  kindBin?: string;
  clusterName?: string;
  configPath?: string;
  /** Where the kubeconfig is written. */
  kubeconfigPath?: string;
  env?: NodeJS.ProcessEnv;
}

export class KindProvider implements ClusterProvider {
  readonly name = "kind";
  readonly capabilities: Capability[] = ["cluster", "cluster+pods"];
  readonly clusterName: string;
  readonly kubeconfigPath: string;
  private readonly kindBin: string;
  private readonly configPath: string;
  private readonly env: NodeJS.ProcessEnv | undefined;

  constructor(options: KindOptions = {}) {
    this.kindBin = options.kindBin ?? "kind";
    this.clusterName = options.clusterName ?? "podlings";
    this.configPath = options.configPath ?? path.join(repoRoot(), "clusters", "kind", "config.yaml");
    this.kubeconfigPath = options.kubeconfigPath ?? path.join(stateDir(), "kind", `${this.clusterName}.kubeconfig`);
    this.env = options.env;
  }

  async ensure(options: EnsureOptions = {}): Promise<string> {
    const createdNow = !(await this.exists());
    if (createdNow) {
      options.progress?.(`creating kind cluster ${this.clusterName} (first run only, about a minute)`);
      const created = await this.kind(
        ["create", "cluster", "--name", this.clusterName, "--config", this.configPath, "--wait", "120s"],
        { signal: options.signal, timeoutMs: 300_000 },
      );
      if (created.exitCode !== 0) {
        throw new NoClusterError(`kind could not create cluster ${this.clusterName}: ${tail(created, 1)}`);
      }
    }
    const kubeconfig = await this.kind(["get", "kubeconfig", "--name", this.clusterName]);
    if (kubeconfig.exitCode !== 0) {
      throw new NoClusterError(`kind has no kubeconfig for cluster ${this.clusterName}: ${tail(kubeconfig, 1)}`);
    }
    await mkdir(path.dirname(this.kubeconfigPath), { recursive: true });
    await writeFile(this.kubeconfigPath, kubeconfig.stdout, { mode: 0o600 });
    if (createdNow) await this.installMetricsServer(options);
    return this.kubeconfigPath;
  }

  /**
   * HPA checks need metrics-server; kind has none. Installed once, when podlings
   * creates the cluster. Without kubectl we say how to do it by hand; the
   * session detects the metrics API either way.
   */
  private async installMetricsServer(options: EnsureOptions): Promise<void> {
    const manifest = path.join(repoRoot(), "clusters", "metrics-server", "metrics-server.yaml");
    options.progress?.("installing metrics-server into the kind cluster (for the HPA exercise)");
    try {
      const r = await runCommand("kubectl", ["--kubeconfig", this.kubeconfigPath, "apply", "-f", manifest], { env: this.env, timeoutMs: 60_000, signal: options.signal });
      if (r.exitCode !== 0) options.progress?.(`metrics-server was not installed: ${tail(r, 1)}`);
    } catch (error) {
      if (!(error instanceof CommandNotFoundError)) throw error;
      options.progress?.(`kubectl not found: install metrics-server by hand with \`kubectl apply -f ${manifest}\``);
    }
  }

  async runningKubeconfig(): Promise<string | undefined> {
    try {
      return (await this.exists()) ? await this.ensure() : undefined;
    } catch {
      return undefined;
    }
  }

  async loadImage(localTag: string): Promise<string> {
    const loaded = await this.kind(["load", "docker-image", localTag, "--name", this.clusterName], { timeoutMs: 300_000 });
    if (loaded.exitCode !== 0) {
      throw new Error(`kind load docker-image ${localTag} failed: ${tail(loaded, 3)}`);
    }
    // kind puts the image into the node's containerd under the same name.
    return localTag;
  }

  async delete(): Promise<void> {
    const deleted = await this.kind(["delete", "cluster", "--name", this.clusterName], { timeoutMs: 120_000 });
    if (deleted.exitCode !== 0) throw new Error(`kind delete cluster failed: ${tail(deleted, 3)}`);
  }

  async describe(): Promise<ProviderDescription> {
    try {
      const version = await this.kind(["version"]);
      const exists = await this.exists();
      return {
        provider: this.name,
        ready: version.exitCode === 0,
        facts: [
          `kind: ${version.stdout.trim() || tail(version, 1)}`,
          `cluster: ${this.clusterName} (${exists ? "exists, reused" : "not created yet; the first check creates it"})`,
          `config: ${this.configPath}`,
        ],
      };
    } catch (error) {
      return { provider: this.name, ready: false, facts: [`kind: ${String((error as Error).message)}`], fix: KIND_INSTALL_HINT };
    }
  }

  private async exists(): Promise<boolean> {
    const clusters = await this.kind(["get", "clusters"]);
    if (clusters.exitCode !== 0) throw new NoClusterError(`kind get clusters failed: ${tail(clusters, 1)}`);
    return clusters.stdout.split("\n").some((line) => line.trim() === this.clusterName);
  }

  private async kind(args: string[], options: { signal?: AbortSignal; timeoutMs?: number } = {}) {
    try {
      return await runCommand(this.kindBin, args, { env: this.env, timeoutMs: options.timeoutMs ?? 60_000, signal: options.signal });
    } catch (error) {
      if (error instanceof CommandNotFoundError) throw new NoClusterError(KIND_INSTALL_HINT, { cause: error });
      throw error;
    }
  }
}
