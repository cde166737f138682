// The few calls of the registry's HTTP API v2 that checks need: which
// repositories and tags exist, and which manifest (and image config) a tag names.
import { httpRequest } from "../http.ts";

export interface RegistryAuth {
  username: string;
  password: string;
}

export interface RegistryEndpoint {
  /** "127.0.0.1:PORT": what a learner writes in an image reference. */
  host: string;
  auth?: RegistryAuth;
}

/** A manifest as the registry serves it for a tag. */
export interface ManifestInfo {
  /** Docker-Content-Digest: what `repo@sha256:…` pulls. */
  digest: string;
  mediaType: string;
  /** Digest of the image config (equals the local image ID); absent for lists/indexes. */
  configDigest?: string;
}

export class RegistryApiError extends Error {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = "RegistryApiError";
    this.status = status;
  }
}

const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.index.v1+json",
];

const TIMEOUT_MS = 5000;

function headers(ep: RegistryEndpoint, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  if (ep.auth) h.authorization = `Basic ${Buffer.from(`${ep.auth.username}:${ep.auth.password}`).toString("base64")}`;
  return h;
}

async function getJson(ep: RegistryEndpoint, urlPath: string, extra?: Record<string, string>) {
  const url = `http://${ep.host}${urlPath}`;
  const r = await httpRequest(url, { timeoutMs: TIMEOUT_MS, headers: headers(ep, extra) });
  if (!r.ok) throw new RegistryApiError(`GET ${url}: ${r.error}`);
  return { status: r.reply.status, headers: r.reply.headers, body: r.reply.body, url };
}

function parse<T>(body: string, url: string): T {
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new RegistryApiError(`GET ${url}: the reply is not JSON`);
  }
}

/** GET /v2/: 200 when open, 401 when it wants a login. Undefined when nothing answers. */
export async function pingRegistry(ep: RegistryEndpoint): Promise<number | undefined> {
  const r = await httpRequest(`http://${ep.host}/v2/`, { timeoutMs: 2000, headers: headers(ep) });
  return r.ok ? r.reply.status : undefined;
}

export async function listRepositories(ep: RegistryEndpoint): Promise<string[]> {
  const r = await getJson(ep, "/v2/_catalog?n=1000");
  if (r.status !== 200) throw new RegistryApiError(`GET ${r.url}: status ${r.status}`, r.status);
  return (parse<{ repositories?: string[] | null }>(r.body, r.url).repositories ?? []).slice().sort();
}

/** Tags of a repository; an empty list when the repository does not exist. */
export async function listTags(ep: RegistryEndpoint, repository: string): Promise<string[]> {
  const r = await getJson(ep, `/v2/${repository}/tags/list`);
  if (r.status === 404) return [];
  if (r.status !== 200) throw new RegistryApiError(`GET ${r.url}: status ${r.status}`, r.status);
  return (parse<{ tags?: string[] | null }>(r.body, r.url).tags ?? []).slice().sort();
}

/** Every repository with its tags: { "me/simple-node": ["1.0.0", "latest"] }. */
export async function listAll(ep: RegistryEndpoint): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const repo of await listRepositories(ep)) out[repo] = await listTags(ep, repo);
  return out;
}

/** The manifest a tag (or digest) names; undefined when the registry does not know it. */
export async function getManifest(ep: RegistryEndpoint, repository: string, reference: string): Promise<ManifestInfo | undefined> {
  const r = await getJson(ep, `/v2/${repository}/manifests/${reference}`, { accept: MANIFEST_TYPES.join(", ") });
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new RegistryApiError(`GET ${r.url}: status ${r.status}`, r.status);
  const body = parse<{ mediaType?: string; config?: { digest?: string } }>(r.body, r.url);
  const digest = r.headers["docker-content-digest"];
  if (!digest) throw new RegistryApiError(`GET ${r.url}: no Docker-Content-Digest header`);
  return {
    digest,
    mediaType: body.mediaType ?? r.headers["content-type"] ?? "unknown",
    configDigest: body.config?.digest,
  };
}

/** "me/simple-node:1.0.0, me/simple-node:latest" — for messages. */
export function describeContents(all: Record<string, string[]>): string {
  const refs = Object.entries(all).flatMap(([repo, tags]) => (tags.length ? tags.map((t) => `${repo}:${t}`) : [`${repo} (no tags)`]));
  return refs.length ? refs.join(", ") : "nothing (the registry is empty)";
}
