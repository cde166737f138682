// The existing-context provider: a kubeconfig with two contexts, and a fake
// `docker` that records tag and push.
import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ContextProvider, registryReference } from "../../harness/cluster/context.ts";
import { NoClusterError } from "../../harness/cluster/session.ts";

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: eks
  cluster: { server: "https://eks.example.com" }
- name: k3d
  cluster: { server: "https://127.0.0.1:6550" }
users:
- name: me
  user: { token: abc }
contexts:
- name: eks-prod
  context: { cluster: eks, user: me }
- name: k3d-dev
  context: { cluster: k3d, user: me }
current-context: eks-prod
`;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "podlings-context-"));
  process.env.PODLINGS_STATE = path.join(dir, "state");
  await writeFile(path.join(dir, "config"), KUBECONFIG);
  await writeFile(path.join(dir, "docker"), `#!/usr/bin/env bash\necho "$*" >> "${dir}/docker.log"\n`);
  await chmod(path.join(dir, "docker"), 0o755);
});

describe("context provider", () => {
  it("writes a kubeconfig whose current context is the chosen one", async () => {
    const p = new ContextProvider({ context: "k3d-dev", kubeconfigFile: path.join(dir, "config") });
    const written = await p.ensure();
    const config = parse(await readFile(written, "utf8")) as { "current-context": string };
    expect(config["current-context"]).toBe("k3d-dev");
    expect(p.name).toBe("context:k3d-dev");
    expect(p.capabilities).toEqual(["cluster", "cluster+pods"]);
  });

  it("names the known contexts when the chosen one does not exist", async () => {
    const p = new ContextProvider({ context: "minikube", kubeconfigFile: path.join(dir, "config") });
    const error = await p.ensure().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoClusterError);
    expect((error as Error).message).toBe("no context named minikube in your kubeconfig (known: eks-prod, k3d-dev)");
  });

  it("refuses to load an image without --registry, in one line", async () => {
    const p = new ContextProvider({ context: "k3d-dev", kubeconfigFile: path.join(dir, "config") });
    const error = await p.loadImage("podlings/app:1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoClusterError);
    expect((error as Error).message).toContain("needs --registry");
  });

  it("tags and pushes the image to the registry and returns the pushed reference", async () => {
    const p = new ContextProvider({
      context: "k3d-dev",
      registry: "registry.example.com/me/",
      kubeconfigFile: path.join(dir, "config"),
      env: { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH}` },
    });
    const ref = await p.loadImage("podlings/04-k8s-deploy-app:run1");
    expect(ref).toBe("registry.example.com/me/04-k8s-deploy-app:run1");
    expect((await readFile(path.join(dir, "docker.log"), "utf8")).trim().split("\n")).toEqual([
      "tag podlings/04-k8s-deploy-app:run1 registry.example.com/me/04-k8s-deploy-app:run1",
      "push registry.example.com/me/04-k8s-deploy-app:run1",
    ]);
  });

  it("keeps the tag, or adds latest, when naming the pushed image", () => {
    expect(registryReference("localhost:5000", "simple-node")).toBe("localhost:5000/simple-node:latest");
    expect(registryReference("localhost:5000/", "me/simple-node:2")).toBe("localhost:5000/simple-node:2");
  });
});
