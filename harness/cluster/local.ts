// The local control plane (CI, machines without Docker-in-Docker): etcd,
// kube-apiserver, kube-controller-manager and kube-scheduler built from the Go
// module proxy. The API and the controllers are real (apply, dry-run, rollouts,
// EndpointSlices, self-healing). The node is either
//   real: a kubelet with containerd, runc and the CNI bridge: containers run,
//         so the provider offers "cluster+pods"; images go in with
//         `docker save | ctr images import`;
//   kwok: pods become Running/Ready without containers: "cluster" only.
// PODLINGS_LOCAL_PODS=real|kwok|auto (default auto: real when the tools are here).
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Capability } from "../types.ts";
import { CommandNotFoundError, runCommand, tail } from "./command.ts";
import type { ClusterProvider, EnsureOptions, ProviderDescription } from "./provider.ts";
import { NoClusterError, cacheDir, repoRoot, stateDir } from "./provider.ts";

export type LocalPods = "real" | "kwok";

export interface LocalOptions {
  /** Real containers or kwok; default from PODLINGS_LOCAL_PODS, else real when containerd, runc, CNI and docker are installed. */
  pods?: LocalPods;
  /** Folder with build.sh, up.sh, down.sh and versions.env. */
  scriptsDir?: string;
  env?: NodeJS.ProcessEnv;
  /** A cold build takes many minutes; a warm one seconds. */
  buildTimeoutMs?: number;
  upTimeoutMs?: number;
}

export class LocalProvider implements ClusterProvider {
  readonly name = "local";
  readonly capabilities: Capability[];
  readonly pods: LocalPods;
  readonly kubeconfigPath: string;
  private readonly scriptsDir: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly buildTimeoutMs: number;
  private readonly upTimeoutMs: number;

  constructor(options: LocalOptions = {}) {
    this.scriptsDir = options.scriptsDir ?? path.join(repoRoot(), "clusters", "local");
    // The scripts and this provider must agree on the directories, so they are passed explicitly.
    this.env = { ...process.env, PODLINGS_CACHE: cacheDir(), PODLINGS_STATE: stateDir(), ...options.env };
    this.buildTimeoutMs = options.buildTimeoutMs ?? 60 * 60_000;
    this.upTimeoutMs = options.upTimeoutMs ?? 180_000;
    this.kubeconfigPath = path.join(this.env.PODLINGS_STATE ?? stateDir(), "local", "kubeconfig");
    this.pods = options.pods ?? podsMode(this.env);
    this.capabilities = this.pods === "real" ? ["cluster", "cluster+pods"] : ["cluster"];
  }

  async ensure(options: EnsureOptions = {}): Promise<string> {
    options.progress?.("local control plane: checking the binaries (the first build takes a while)");
    await this.script("build.sh", this.pods === "real" ? ["--with-node"] : [], this.buildTimeoutMs, options);
    options.progress?.(`local control plane: starting or reusing (${this.pods} pods)`);
    await this.script("up.sh", this.pods === "real" ? ["--real-pods"] : [], this.upTimeoutMs, options);
    return this.kubeconfigPath;
  }

  async runningKubeconfig(): Promise<string | undefined> {
    const pid = path.join(this.env.PODLINGS_STATE ?? stateDir(), "local", "run", "kube-apiserver.pid");
    return existsSync(pid) && existsSync(this.kubeconfigPath) ? this.kubeconfigPath : undefined;
  }

  /**
   * Real pods: the image goes from Docker into the node's containerd (namespace
   * k8s.io), under the same name. kwok: nothing runs, so the name alone will do.
   */
  async loadImage(localTag: string): Promise<string> {
    if (this.pods === "kwok") return localTag;
    const socket = path.join(this.env.PODLINGS_STATE ?? stateDir(), "local", "containerd", "containerd.sock");
    const imported = await runCommand(
      "bash",
      ["-c", 'set -o pipefail; docker save "$1" | ctr -a "$2" -n k8s.io images import -', "load-image", localTag, socket],
      { env: this.env, timeoutMs: 300_000 },
    );
    if (imported.exitCode !== 0) throw new Error(`could not import ${localTag} into the local node's containerd: ${tail(imported, 3)}`);
    return localTag;
  }

  async delete(): Promise<void> {
    await this.script("down.sh", ["--purge"], 60_000, {});
  }

  async describe(): Promise<ProviderDescription> {
    const versions = this.versions();
    const cache = this.env.PODLINGS_CACHE ?? cacheDir();
    const built = existsSync(path.join(cache, `k8s-${versions.K8S_VERSION}`, "kube-apiserver"));
    const running = existsSync(path.join(this.env.PODLINGS_STATE ?? stateDir(), "local", "run", "kube-apiserver.pid"));
    return {
      provider: this.name,
      ready: true,
      facts: [
        `kubernetes: ${versions.K8S_VERSION ?? "?"}, etcd: ${versions.ETCD_VERSION ?? "?"}, kwok: ${versions.KWOK_VERSION ?? "?"}`,
        `binaries: ${built ? `built in ${cache}` : "not built yet; the first check builds them with Go (many minutes)"}`,
        `control plane: ${running ? "started (up.sh reuses it when healthy)" : "not running"}`,
        this.pods === "real"
          ? "pods: real (kubelet + containerd + runc + CNI bridge); set PODLINGS_LOCAL_PODS=kwok to simulate them instead"
          : "pods: simulated by kwok (Running/Ready, no containers): checks that need real pods are not run (PODLINGS_LOCAL_PODS=real needs containerd, runc, containernetworking-plugins, docker)",
      ],
    };
  }

  versions(): Record<string, string> {
    const file = path.join(this.scriptsDir, "versions.env");
    const pairs = readFileSync(file, "utf8")
      .split("\n")
      .map((line) => /^([A-Z0-9_]+)=(\S+)/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null);
    return Object.fromEntries(pairs.map((m) => [m[1], m[2]]));
  }

  private async script(name: string, args: string[], timeoutMs: number, options: EnsureOptions): Promise<void> {
    let result;
    try {
      result = await runCommand("bash", [path.join(this.scriptsDir, name), ...args], {
        env: this.env,
        timeoutMs,
        signal: options.signal,
        onOutput: (chunk) => {
          for (const line of chunk.split("\n")) if (line.startsWith(`[${name}]`)) options.progress?.(line);
        },
      });
    } catch (error) {
      if (error instanceof CommandNotFoundError) throw new NoClusterError("bash is needed to run the local control plane scripts");
      throw error;
    }
    if (result.exitCode !== 0) {
      throw new NoClusterError(`the local control plane could not start (clusters/local/${name} failed): ${tail(result, 1)}`, {
        cause: new Error(tail(result, 20)),
      });
    }
  }
}

/** PODLINGS_LOCAL_PODS, or "real" when everything a real node needs is installed. */
export function podsMode(env: NodeJS.ProcessEnv = process.env): LocalPods {
  const wanted = env.PODLINGS_LOCAL_PODS ?? "auto";
  if (wanted === "real" || wanted === "kwok") return wanted;
  return realNodeToolsPresent(env) ? "real" : "kwok";
}

/** Root, containerd, runc, ctr, docker on PATH, and the CNI bridge plugin in a usual place (as real-node.sh checks). */
export function realNodeToolsPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  const dirs = (env.PATH ?? "").split(path.delimiter).filter(Boolean);
  const onPath = (name: string) => dirs.some((d) => isExecutable(path.join(d, name)));
  const cni = ["/usr/lib/cni", "/opt/cni/bin", "/usr/libexec/cni"].some((d) => isExecutable(path.join(d, "bridge")));
  // containerd and the kubelet need root (namespaces, mounts, cgroups).
  const root = process.getuid?.() === 0;
  return process.platform === "linux" && root && ["containerd", "runc", "ctr", "docker"].every(onPath) && cni;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
