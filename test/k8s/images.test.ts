import { describe, expect, it } from "vitest";
import { matchesPlaceholder, replaceImages, repositoryOf } from "../../harness/k8s/images.ts";
import type { Manifest } from "../../harness/k8s/manifests.ts";

const deployment = (image: string): Manifest => ({
  file: "k8s/deployment.yaml",
  line: 1,
  object: {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "my-app" },
    spec: { template: { spec: { containers: [{ name: "simple-node", image }, { name: "sidecar", image: "busybox:1.36" }] } } },
  },
});

describe("image placeholders", () => {
  it("finds the repository of a reference, ignoring tag and digest but not a registry port", () => {
    expect(repositoryOf("simple-node")).toBe("simple-node");
    expect(repositoryOf("simple-node:1.0")).toBe("simple-node");
    expect(repositoryOf("localhost:5000/me/simple-node:1.0")).toBe("localhost:5000/me/simple-node");
    expect(repositoryOf("me/app@sha256:abc")).toBe("me/app");
  });

  it("matches exact placeholders and */name wildcards", () => {
    expect(matchesPlaceholder("YOUR_DOCKER_HUB/simple-node", "YOUR_DOCKER_HUB/simple-node")).toBe(true);
    expect(matchesPlaceholder("YOUR_DOCKER_HUB/simple-node:v2", "YOUR_DOCKER_HUB/simple-node")).toBe(true);
    expect(matchesPlaceholder("jdoe/simple-node:latest", "*/simple-node")).toBe(true);
    expect(matchesPlaceholder("simple-node", "*/simple-node")).toBe(true);
    expect(matchesPlaceholder("jdoe/simple-node-2", "*/simple-node")).toBe(false);
    expect(matchesPlaceholder("simple-node", "YOUR_DOCKER_HUB/simple-node")).toBe(false);
  });

  it("rewrites matching containers, sets IfNotPresent, and leaves the input untouched", () => {
    const input = [deployment("YOUR_DOCKER_HUB/simple-node")];
    const { manifests, rewrites } = replaceImages(input, { "*/simple-node": "podlings/04-app:run1" });
    const containers = (manifests[0]!.object.spec as { template: { spec: { containers: Array<Record<string, string>> } } }).template.spec.containers;
    expect(containers[0]).toMatchObject({ image: "podlings/04-app:run1", imagePullPolicy: "IfNotPresent" });
    expect(containers[1]).toEqual({ name: "sidecar", image: "busybox:1.36" });
    expect(rewrites).toEqual([{ ref: "Deployment/my-app", container: "simple-node", from: "YOUR_DOCKER_HUB/simple-node", to: "podlings/04-app:run1" }]);
    expect(JSON.stringify(input)).not.toContain("podlings/04-app");
  });

  it("reaches pod specs in Pods and CronJobs too", () => {
    const pod: Manifest = { file: "p.yaml", line: 1, object: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "app" }] } } };
    const cron: Manifest = {
      file: "c.yaml",
      line: 1,
      object: { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c" }, spec: { jobTemplate: { spec: { template: { spec: { initContainers: [{ name: "i", image: "app:1" }] } } } } } },
    };
    expect(replaceImages([pod, cron], { app: "real:1" }).rewrites.map((r) => r.ref)).toEqual(["Pod/p", "CronJob/c"]);
  });
});
