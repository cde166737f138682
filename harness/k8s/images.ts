// Image placeholders. Course manifests name images the learner would push
// (`image: YOUR_DOCKER_HUB/simple-node`); in a check, the image is the one built
// in this run and made available to the cluster. An exercise states the mapping
// as data, e.g. { "YOUR_DOCKER_HUB/simple-node": "app" } or { "*/simple-node": "app" }.
import type { Manifest, ManifestObject } from "./manifests.ts";

/** placeholder (repository, optionally with "*\/" for any registry/namespace) → the reference to use instead. */
export type ImageReferences = Record<string, string>;

/** "registry:5000/me/app:1.0" → "registry:5000/me/app"; digests too. Pure. */
export function repositoryOf(image: string): string {
  const withoutDigest = image.split("@")[0]!;
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** Does the manifest's image match the placeholder? Tags are ignored; "*\/name" matches any prefix. Pure. */
export function matchesPlaceholder(image: string, placeholder: string): boolean {
  const repo = repositoryOf(image);
  const wanted = repositoryOf(placeholder);
  if (wanted.startsWith("*/")) {
    const name = wanted.slice(2);
    return repo === name || repo.endsWith(`/${name}`);
  }
  return repo === wanted;
}

export interface ImageRewrite {
  ref: string;
  container: string;
  from: string;
  to: string;
}

/**
 * Returns copies of the manifests with placeholder images replaced, and the list
 * of replacements. Rewritten containers get imagePullPolicy IfNotPresent: the
 * image was loaded into the cluster, not pushed anywhere it could be pulled from. Pure.
 */
export function replaceImages(manifests: Manifest[], references: ImageReferences): { manifests: Manifest[]; rewrites: ImageRewrite[] } {
  const rewrites: ImageRewrite[] = [];
  const out = manifests.map((manifest) => {
    const object = structuredClone(manifest.object);
    for (const podSpec of podSpecsOf(object)) {
      for (const key of ["initContainers", "containers"] as const) {
        const containers = podSpec[key];
        if (!Array.isArray(containers)) continue;
        for (const container of containers as Array<Record<string, unknown>>) {
          if (typeof container.image !== "string") continue;
          const placeholder = Object.keys(references).find((p) => matchesPlaceholder(container.image as string, p));
          if (placeholder === undefined) continue;
          const to = references[placeholder]!;
          rewrites.push({ ref: `${object.kind}/${object.metadata.name}`, container: String(container.name), from: container.image, to });
          container.image = to;
          container.imagePullPolicy = "IfNotPresent";
        }
      }
    }
    return { ...manifest, object };
  });
  return { manifests: out, rewrites };
}

/** The pod specs inside a workload object (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob). */
function podSpecsOf(object: ManifestObject): Array<Record<string, unknown>> {
  const at = (value: unknown, ...path: string[]): unknown =>
    path.reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), value);
  const candidates =
    object.kind === "Pod"
      ? [at(object, "spec")]
      : object.kind === "CronJob"
        ? [at(object, "spec", "jobTemplate", "spec", "template", "spec")]
        : [at(object, "spec", "template", "spec")];
  return candidates.filter((c): c is Record<string, unknown> => !!c && typeof c === "object");
}
