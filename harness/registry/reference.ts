// Image references the way the docker CLI reads them: "simple-node" is
// docker.io/library/simple-node:latest, "me/app:1" is on Docker Hub too, and
// "127.0.0.1:5000/me/app:1" names another registry because its first part has
// a dot, a colon, or is "localhost".

export const DOCKER_HUB = "docker.io";
const HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

export interface ImageRef {
  /** The registry host as written, or "docker.io" when none was written. */
  registry: string;
  /** True when the reference names a registry host explicitly. */
  explicitRegistry: boolean;
  /** Repository path inside the registry, as written ("simple-node", "me/simple-node"). */
  path: string;
  tag?: string;
  digest?: string;
}

export function isDockerHub(registry: string): boolean {
  return HUB_ALIASES.has(registry.toLowerCase());
}

export function parseRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry = DOCKER_HUB;
  let explicitRegistry = false;
  const slash = rest.indexOf("/");
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      registry = first;
      explicitRegistry = true;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { registry, explicitRegistry, path: rest, tag, digest };
}

/** The repository as `docker push` resolves it, e.g. "docker.io/library/simple-node". */
export function canonicalRepository(r: ImageRef): string {
  const hub = isDockerHub(r.registry);
  const repoPath = hub && !r.path.includes("/") ? `library/${r.path}` : r.path;
  return `${hub ? DOCKER_HUB : r.registry}/${repoPath}`;
}

export function formatRef(r: { registry?: string; path: string; tag?: string; digest?: string }): string {
  const host = r.registry ? `${r.registry}/` : "";
  return `${host}${r.path}${r.tag ? `:${r.tag}` : ""}${r.digest ? `@${r.digest}` : ""}`;
}

/** Same registry, comparing "localhost" and "127.0.0.1" as one host. */
export function sameRegistry(a: string, b: string): boolean {
  const norm = (h: string) => h.toLowerCase().replace(/^localhost(?=:|$)/, "127.0.0.1");
  return norm(a) === norm(b);
}
