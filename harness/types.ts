// The shared vocabulary of podlings: what an exercise is, what a check returns,
// and what a check may use while it runs. Exercises and engines both depend on
// this file; it depends on nothing.

/**
 * What a check needs from the machine. `cluster+pods` means containers really
 * run in pods; `cluster+metrics` means the metrics API (metrics-server) answers.
 */
export type Capability = "docker" | "cluster" | "cluster+pods" | "cluster+metrics";

/** What a check says about the learner's work. */
export interface Verdict {
  ok: boolean;
  /** What we expected, as a learner reads it. */
  expected: string;
  /** What we saw instead (or, on success, what we saw). */
  observed: string;
  /** Where to look. */
  hint?: string;
  /** Extra lines shown under the verdict, e.g. the last lines of a build log. */
  details?: string[];
}

export type CheckStatus = "passed" | "failed" | "not-run";

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  expected?: string;
  observed?: string;
  hint?: string;
  details?: string[];
  /** Why a check did not run: a failed prerequisite, or a missing capability. */
  reason?: string;
  /** The capability that was missing, when that is why it did not run. */
  missing?: Capability;
  timeoutMs: number;
  durationMs: number;
  slow?: boolean;
}

export interface ExerciseResult {
  exercise: string;
  title: string;
  /** Which files were judged: the learner's copy, the starter, the solution, or a student dir. */
  source: string;
  provider?: string;
  passed: boolean;
  results: CheckResult[];
  startedAt: string;
  durationMs: number;
}

export interface Check {
  /** Stable id, kebab-case, unique in the exercise. */
  id: string;
  /** One line a learner reads, e.g. "container stays up for 5 s". */
  title: string;
  timeoutMs: number;
  /** Ids of earlier checks that must pass first; otherwise this one is "not run". */
  needs?: string[];
  /** Capabilities this check needs; defaults to the exercise's. */
  requires?: Capability[];
  /** Only run with --slow (e.g. load tests). */
  slow?: boolean;
  run(ctx: CheckContext): Promise<Verdict>;
}

export interface Exercise {
  /** Folder name, e.g. "01-debug-container". Filled in by the loader. */
  id: string;
  title: string;
  order: number;
  /** What the exercise needs as a whole. */
  requires: Capability[];
  /** Files the learner edits, relative to the exercise folder. Only these are taken from a student's copy. */
  editable: string[];
  hints: string[];
  /** Docs pages, relative to docs/. */
  docs?: string[];
  /** Check ids that the broken starter must fail (status "failed"). Used by `verify`. */
  starterFails: string[];
  checks: Check[];
}

/** A command run to completion. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * A Kubernetes cluster for one check run, already inside a fresh namespace.
 * Implemented by harness/cluster; exercises only see this.
 */
export interface ClusterSession {
  /** "kind", "context:NAME", "local". */
  provider: string;
  namespace: string;
  /** Capabilities of this cluster; "cluster+pods" only where containers really run. */
  capabilities: Capability[];
  /** Make a locally built image available to the cluster; returns the reference pods must use. */
  loadImage(localTag: string): Promise<string>;
  /** Path of a kubeconfig file for this cluster. */
  kubeconfigPath: string;
}

export interface CheckContext {
  exercise: Exercise;
  /** Staging directory: the starter plus the judged files. Checks read and build from here. */
  dir: string;
  /** Unique id of this run, used in names and labels. */
  runId: string;
  /** Labels every Docker object of this run must carry (cleanup finds them by label). */
  labels: Record<string, string>;
  /** State shared between the checks of one run (image tags, container ids, ...). */
  state: Map<string, unknown>;
  /** Aborted on timeout or Ctrl-C. */
  signal: AbortSignal;
  /** Progress for long steps; shown by the terminal reporter. */
  progress(message: string): void;
  /** Register cleanup for this run; runs in reverse order at the end, also on Ctrl-C. */
  defer(cleanup: () => Promise<void> | void): void;
  /** The cluster for this run, created or reused on first use. Throws NoClusterError when none can be had. */
  cluster(): Promise<ClusterSession>;
  /** Environment variables the checks may hand to learner scripts (never the host's whole env). */
  options: RunOptions;
}

export interface RunOptions {
  /** Run checks marked slow. */
  slow?: boolean;
  /** Cluster provider: "kind" (default), "local", or "context:NAME". */
  provider?: string;
  /** Registry the cluster pulls from, for an existing context. */
  registry?: string;
  debug?: boolean;
}
