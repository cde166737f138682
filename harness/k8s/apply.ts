// Server-side apply of the learner's manifests into the run's namespace. First a
// dry run with strict field validation, so the API server itself judges every
// object (unknown fields, missing selectors, removed API versions) before
// anything changes; then the real apply with field manager "podlings".
import type { KubeConfig } from "@kubernetes/client-node";
import { kubeRequest, parseStatus } from "./client.ts";
import { apiPath, discover, notServedMessage } from "./discovery.ts";
import type { Manifest, ManifestProblem } from "./manifests.ts";
import { formatProblem, objectRef, readManifests } from "./manifests.ts";

export const FIELD_MANAGER = "podlings";

export interface ObjectOutcome {
  file: string;
  line: number;
  /** "Deployment/my-app". */
  ref: string;
  ok: boolean;
  /** On failure, the API server's own message (with our sentence first for removed APIs). */
  message?: string;
  /** Set when the object was left out on purpose, e.g. a cluster-scoped kind. */
  skipped?: string;
}

export interface ApplyOutcome {
  ok: boolean;
  /** YAML problems; when there are any, nothing is sent to the server. */
  problems: ManifestProblem[];
  objects: ObjectOutcome[];
}

export interface ApplyOptions {
  /** Only ask the server to validate (dryRun=All); nothing is stored. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

/** Reads the files (relative to dir), then dry-runs or applies every object; see `applyManifests`. */
export async function applyFiles(kc: KubeConfig, namespace: string, dir: string, files: string[], options: ApplyOptions = {}): Promise<ApplyOutcome> {
  const { manifests, problems } = await readManifests(dir, files);
  if (problems.length > 0) return { ok: false, problems, objects: [] };
  if (manifests.length === 0) {
    return { ok: false, problems: files.map((file) => ({ file, line: 1, col: 1, message: "no Kubernetes objects in this file" })), objects: [] };
  }
  return applyManifests(kc, namespace, manifests, options);
}

/**
 * Every object is sent, even after a failure, so one run reports all problems.
 * Namespaced objects go into `namespace` whatever their metadata says (runs are
 * isolated by namespace); cluster-scoped objects are skipped.
 */
export async function applyManifests(kc: KubeConfig, namespace: string, manifests: Manifest[], options: ApplyOptions = {}): Promise<ApplyOutcome> {
  const objects: ObjectOutcome[] = [];
  for (const manifest of manifests) objects.push(await applyOne(kc, namespace, manifest, options));
  return { ok: objects.every((o) => o.ok), problems: [], objects };
}

async function applyOne(kc: KubeConfig, namespace: string, manifest: Manifest, options: ApplyOptions): Promise<ObjectOutcome> {
  const { object, file, line } = manifest;
  const base = { file, line, ref: objectRef(object) };
  const found = await discover(kc, object.apiVersion, object.kind);
  if (!found.served) {
    return { ...base, ok: false, message: `${notServedMessage(object.apiVersion, object.kind)} (the API server says: ${found.serverMessage})` };
  }
  if (!found.kind.namespaced) {
    return { ...base, ok: true, skipped: `${object.kind} is cluster-scoped; podlings only applies objects into the run's namespace` };
  }
  const body = { ...object, metadata: { ...object.metadata, namespace } };
  const name = encodeURIComponent(object.metadata.name);
  const response = await kubeRequest(kc, {
    method: "PATCH",
    path: `${apiPath(object.apiVersion)}/namespaces/${namespace}/${found.kind.resource}/${name}`,
    query: {
      fieldManager: FIELD_MANAGER,
      fieldValidation: "Strict",
      force: "true",
      dryRun: options.dryRun ? "All" : undefined,
    },
    // JSON is YAML, and apply-patch+yaml is what server-side apply takes.
    contentType: "application/apply-patch+yaml",
    body: JSON.stringify(body),
    signal: options.signal,
  });
  if (response.status >= 200 && response.status < 300) return { ...base, ok: true };
  const status = parseStatus(response.body);
  return { ...base, ok: false, message: status?.message ?? `HTTP ${response.status}: ${response.body.slice(0, 300)}` };
}

/** One line per failed object or YAML problem: "k8s/deployment.yaml:1 Deployment/my-app: message". */
export function describeFailures(outcome: ApplyOutcome): string[] {
  return [
    ...outcome.problems.map(formatProblem),
    ...outcome.objects.filter((o) => !o.ok).map((o) => `${o.file}:${o.line} ${o.ref}: ${o.message}`),
  ];
}
