// One interface, several providers (kind, an existing context, the local control
// plane). The K8s checks never ask which one they run on: they get a kubeconfig,
// a namespace and `loadImage`.
import { accessSync, constants, existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { LearnerFacingError } from "../errors.ts";
import type { Capability } from "../types.ts";

export interface ClusterProvider {
  /** "kind", "context:NAME", "local": what the report shows. */
  readonly name: string;
  /** What checks can rely on with this provider. */
  readonly capabilities: Capability[];
  /** Create the cluster, or reuse it when it is already there and healthy. Returns the kubeconfig path. */
  ensure(options?: EnsureOptions): Promise<string>;
  /** The kubeconfig when the cluster already exists and runs; never creates one (for `clean`). */
  runningKubeconfig(): Promise<string | undefined>;
  /** Make a locally built image available to the cluster; returns the reference pods must use. */
  loadImage(localTag: string): Promise<string>;
  /** Delete the cluster (or, for an existing context, nothing: it is not ours). */
  delete(): Promise<void>;
  /** A few lines for `podlings doctor`. Never throws. */
  describe(): Promise<ProviderDescription>;
}

export interface EnsureOptions {
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

export interface ProviderDescription {
  provider: string;
  /** Can a check run right now (tool installed, cluster reachable or creatable)? */
  ready: boolean;
  /** `name: value` facts, e.g. "kind: v0.31.0", "cluster: podlings (running)". */
  facts: string[];
  /** What to do when not ready. */
  fix?: string;
}

/**
 * No cluster can be had. The message is one line a learner can act on; the
 * runner shows it as is (with the hint), without a stack trace.
 */
export class NoClusterError extends LearnerFacingError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.hint ?? "see `podlings doctor` and docs/clusters.md");
    this.name = "NoClusterError";
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** Where providers keep kubeconfigs and runtime state (same rule as clusters/local/paths.sh). */
export function stateDir(): string {
  return process.env.PODLINGS_STATE ?? systemOrUserDir("/var/lib/podlings", path.join(homedir(), ".local", "state", "podlings"));
}

/** Where the local control plane's binaries are cached (same rule as clusters/local/paths.sh). */
export function cacheDir(): string {
  return process.env.PODLINGS_CACHE ?? systemOrUserDir("/var/cache/podlings", path.join(homedir(), ".cache", "podlings"));
}

/** The system-wide directory when we may write there (CI, root), else one in the user's home. */
function systemOrUserDir(system: string, user: string): string {
  const writable = (dir: string): boolean => {
    try {
      accessSync(dir, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (existsSync(system)) return writable(system) ? system : user;
  return writable(path.dirname(system)) ? system : user;
}

/** The repository root (clusters/ lives there). */
export function repoRoot(): string {
  return path.resolve(import.meta.dirname, "..", "..");
}
