// Pure parts of the session: which provider, which namespace, which are stale.
import { afterEach, describe, expect, it } from "vitest";
import { ContextProvider } from "../../harness/cluster/context.ts";
import { KindProvider } from "../../harness/cluster/kind.ts";
import { LocalProvider, podsMode } from "../../harness/cluster/local.ts";
import { NoClusterError, namespaceFor, providerFor, staleNamespaces } from "../../harness/cluster/session.ts";

const saved = { provider: process.env.PODLINGS_PROVIDER, pods: process.env.PODLINGS_LOCAL_PODS };
afterEach(() => {
  for (const [key, value] of [["PODLINGS_PROVIDER", saved.provider], ["PODLINGS_LOCAL_PODS", saved.pods]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("providerFor", () => {
  it("defaults to kind", () => {
    delete process.env.PODLINGS_PROVIDER;
    expect(providerFor({})).toBeInstanceOf(KindProvider);
  });

  it("takes PODLINGS_PROVIDER as the default, and --provider over it", () => {
    process.env.PODLINGS_PROVIDER = "local";
    expect(providerFor({})).toBeInstanceOf(LocalProvider);
    expect(providerFor({ provider: "kind" })).toBeInstanceOf(KindProvider);
  });

  it("reads context:NAME and the registry", () => {
    const p = providerFor({ provider: "context:k3d-dev", registry: "localhost:5000" });
    expect(p).toBeInstanceOf(ContextProvider);
    expect(p.name).toBe("context:k3d-dev");
  });

  it("gives the local provider cluster+pods only with a real node (kwok runs no containers)", () => {
    process.env.PODLINGS_LOCAL_PODS = "kwok";
    expect(providerFor({ provider: "local" }).capabilities).toEqual(["cluster"]);
    process.env.PODLINGS_LOCAL_PODS = "real";
    expect(providerFor({ provider: "local" }).capabilities).toEqual(["cluster", "cluster+pods"]);
    expect(providerFor({ provider: "kind" }).capabilities).toEqual(["cluster", "cluster+pods"]);
  });

  it("picks real pods in auto mode only when root and the node's tools are all there", () => {
    expect(podsMode({ PODLINGS_LOCAL_PODS: "kwok" })).toBe("kwok");
    expect(podsMode({ PODLINGS_LOCAL_PODS: "real" })).toBe("real");
    expect(podsMode({ PATH: "/nonexistent" })).toBe("kwok");
  });

  it("rejects unknown providers in one line", () => {
    expect(() => providerFor({ provider: "minikube" })).toThrow(NoClusterError);
    expect(() => providerFor({ provider: "context:" })).toThrow(/use --provider kind, local, or context:NAME/);
  });
});

describe("namespaces", () => {
  it("names the run's namespace after the run id", () => {
    expect(namespaceFor("mabc12f00d")).toBe("podlings-mabc12f00d");
    expect(namespaceFor("A_B")).toBe("podlings-a-b");
  });

  it("finds managed namespaces older than the limit, skipping those already terminating", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    const ns = (name: string, created: string, deleting = false) => ({
      metadata: { name, creationTimestamp: new Date(created), ...(deleting ? { deletionTimestamp: new Date(created) } : {}) },
    });
    const stale = staleNamespaces(
      [ns("old", "2026-11-25T10:00:00Z"), ns("fresh", "2026-11-25T11:30:00Z"), ns("going", "2026-11-25T09:00:00Z", true)],
      60,
      now,
    );
    expect(stale).toEqual(["old"]);
  });
});
