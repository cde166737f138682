// The local provider with real pods (PODLINGS_LOCAL_PODS=real): a kubelet with
// containerd, runc and the CNI bridge next to the control plane. An image built
// here (a static Go server, FROM scratch: no registry involved) is imported into
// containerd, deployed, and reached over HTTP through the API server's service
// proxy; its logs and exec work. Never skipped: missing tools fail with the reason.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkContext, realPodsSetup } from "./check-context.ts";
import type { ClosableClusterSession } from "../../harness/cluster/session.ts";
import { kubeFor, type Kube } from "../../harness/k8s/client.ts";
import { execInPod } from "../../harness/k8s/exec.ts";
import { deploymentLogs } from "../../harness/k8s/logs.ts";
import { podsOfDeployment } from "../../harness/k8s/pods.ts";
import {
  httpThroughService,
  manifestsApply,
  podIsReplaced,
  podLogsHaveNo,
  rolloutCompletes,
  serviceHasReadyEndpoints,
} from "../../harness/checks/k8s.ts";

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 2
  selector:
    matchLabels: { app: hello }
  template:
    metadata:
      labels: { app: hello }
    spec:
      containers:
        - name: hello
          image: YOUR_DOCKER_HUB/hello
          ports:
            - containerPort: 8080
          readinessProbe:
            httpGet: { path: /health, port: 8080 }
            periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata:
  name: hello
spec:
  selector: { app: hello }
  ports:
    - port: 80
      targetPort: 8080
`;

const IMAGE = "podlings/test-hello:smoke";
let session: ClosableClusterSession;
let kube: Kube;
let dir: string;
const runId = `pods${Date.now().toString(36)}`;
const state = new Map<string, unknown>();

const context = () => checkContext({ dir, runId, session: () => session, state });

beforeAll(async () => {
  session = await realPodsSetup(IMAGE, runId);
  state.set("image:app", IMAGE);
  kube = kubeFor(session.kubeconfigPath);
  dir = await mkdtemp(path.join(tmpdir(), "podlings-pods-smoke-"));
  await writeFile(path.join(dir, "app.yaml"), MANIFESTS);
}, 45 * 60_000);

afterAll(async () => {
  await session?.close();
  delete process.env.PODLINGS_LOCAL_PODS;
});

describe("local control plane with real pods", () => {
  it("offers cluster+pods and, with metrics-server on the host, cluster+metrics", () => {
    expect(session.capabilities).toEqual(["cluster", "cluster+pods", "cluster+metrics"]);
  });

  it("imports the built image into containerd and rolls it out", async () => {
    const ctx = context();
    const applied = await manifestsApply(["app.yaml"], { images: { "*/hello": "app" } }).run(ctx);
    expect(applied.ok, applied.observed).toBe(true);
    expect(applied.details?.join("\n")).toContain(`image YOUR_DOCKER_HUB/hello → ${IMAGE}`);
    const rollout = await rolloutCompletes("hello", { replicas: 2 }).run(ctx);
    expect(rollout.ok, `${rollout.observed}\n${rollout.details?.join("\n")}`).toBe(true);
    const endpoints = await serviceHasReadyEndpoints("hello").run(ctx);
    expect(endpoints.ok, endpoints.observed).toBe(true);
  });

  it("GET /health through the Service returns 200 from the real app", async () => {
    const verdict = await httpThroughService("hello", 80, "/health").returns(200).bodyMatches(/ok/, '"ok"').run(context());
    expect(verdict.ok, verdict.observed).toBe(true);
  });

  it("inside a pod, a Service name resolves (CoreDNS) and its ClusterIP answers (kube-proxy)", async () => {
    const verdict = await httpThroughService("hello", 80, "/fetch?url=http://hello/health").returns(200).bodyMatches(/ok/, '"ok"').run(context());
    expect(verdict.ok, verdict.observed).toBe(true);
  });

  it("a wrong port gets the API server's proxy error, not a pass", async () => {
    const verdict = await httpThroughService("hello", 81, "/health", { timeoutMs: 3_000 }).returns(200).run(context());
    expect(verdict.ok).toBe(false);
  });

  it("reads the pods' logs and runs a command in a pod (kubelet reached on 127.0.0.1)", async () => {
    const logs = await deploymentLogs(kube, session.namespace, "hello");
    expect([...logs.values()].join("\n")).toContain("hello listening on :8080");
    const clean = await podLogsHaveNo("hello", /panic|fatal/i).run(context());
    expect(clean.ok, clean.observed).toBe(true);
    const { pods } = await podsOfDeployment(kube, session.namespace, "hello");
    // FROM scratch has no shell: exec a second server, which cannot bind the port the first one holds.
    const exec = await execInPod(kube, session.namespace, pods[0]!.metadata!.name!, ["/hello"], { timeoutMs: 15_000 });
    expect(exec.exitCode).toBe(1);
    expect(exec.stderr).toContain("address already in use");
  });

  it("self-healing with real containers", async () => {
    const verdict = await podIsReplaced("hello").run(context());
    expect(verdict.ok, verdict.observed).toBe(true);
  });
});
