// The resource metrics API on the local control plane with real pods: up.sh starts
// metrics-server (built from the Go module proxy) on 127.0.0.1 and registers it with
// the aggregation layer, so the session offers "cluster+metrics", `metrics.k8s.io`
// answers with the pods' CPU usage read from the kubelet, and the real HPA controller
// reports ScalingActive=True with a current cpu utilization. Never skipped: a missing
// metrics API fails with what was seen.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkContext, realPodsSetup } from "./check-context.ts";
import type { ClosableClusterSession } from "../../harness/cluster/session.ts";
import { kubeFor, kubeRequest, type Kube } from "../../harness/k8s/client.ts";
import { eventually } from "../../harness/eventually.ts";
import { manifestsApply, rolloutCompletes } from "../../harness/checks/k8s.ts";

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: busy
spec:
  replicas: 1
  selector:
    matchLabels: { app: busy }
  template:
    metadata:
      labels: { app: busy }
    spec:
      containers:
        - name: busy
          image: YOUR_DOCKER_HUB/hello
          ports:
            - containerPort: 8080
          resources:
            requests: { cpu: 50m, memory: 16Mi }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: busy
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: busy }
  minReplicas: 1
  maxReplicas: 2
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: { type: Utilization, averageUtilization: 80 }
`;

const IMAGE = "podlings/test-hello:smoke";
let session: ClosableClusterSession;
let kube: Kube;
let dir: string;
const runId = `metrics${Date.now().toString(36)}`;
const state = new Map<string, unknown>();

const context = () => checkContext({ dir, runId, session: () => session, state });

beforeAll(async () => {
  session = await realPodsSetup(IMAGE, runId);
  state.set("image:app", IMAGE);
  kube = kubeFor(session.kubeconfigPath);
  dir = await mkdtemp(path.join(tmpdir(), "podlings-metrics-"));
  await writeFile(path.join(dir, "app.yaml"), MANIFESTS);
}, 45 * 60_000);

afterAll(async () => {
  await session?.close();
  delete process.env.PODLINGS_LOCAL_PODS;
});

describe("local control plane: the resource metrics API (metrics-server)", () => {
  it("serves metrics.k8s.io/v1beta1, so the session offers cluster+metrics", async () => {
    const discovery = await kubeRequest(kube.kc, { method: "GET", path: "/apis/metrics.k8s.io/v1beta1", timeoutMs: 10_000 });
    expect(discovery.status, discovery.body).toBe(200);
    expect(JSON.parse(discovery.body).resources.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(["pods", "nodes"]));
    expect(session.capabilities).toContain("cluster+metrics");
  });

  it("an HPA on cpu utilization reports ScalingActive=True and a current cpu metric", async () => {
    const ctx = context();
    const applied = await manifestsApply(["app.yaml"], { images: { "*/hello": "app" } }).run(ctx);
    expect(applied.ok, applied.observed).toBe(true);
    const rollout = await rolloutCompletes("busy", { replicas: 1 }).run(ctx);
    expect(rollout.ok, `${rollout.observed}\n${rollout.details?.join("\n")}`).toBe(true);

    // The pod's own usage, as metrics-server read it from the kubelet (two scrapes, 10 s apart).
    const podCpu = await eventually(
      async () => {
        const r = await kubeRequest(kube.kc, { method: "GET", path: `/apis/metrics.k8s.io/v1beta1/namespaces/${session.namespace}/pods`, timeoutMs: 10_000 });
        const items: { metadata: { name: string }; containers: { name: string; usage: { cpu: string } }[] }[] = r.status === 200 ? JSON.parse(r.body).items : [];
        const busy = items.find((p) => p.metadata.name.startsWith("busy-"));
        const cpu = busy?.containers.find((c) => c.name === "busy")?.usage.cpu;
        return { done: cpu !== undefined, value: cpu, observed: `HTTP ${r.status}: ${r.body.slice(0, 200)}` };
      },
      { what: "PodMetrics for the busy pod", timeoutMs: 90_000, intervalMs: 2_000 },
    );
    expect(podCpu).toMatch(/^\d+(n|u|m)?$/);

    // The real HPA controller (sync every 5 s) reads them through the aggregated API.
    const hpa = await eventually(
      async () => {
        const h = await kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: "busy", namespace: session.namespace });
        const active = h.status?.conditions?.find((c) => c.type === "ScalingActive");
        const cpu = h.status?.currentMetrics?.find((m) => m.type === "Resource" && m.resource?.name === "cpu");
        return {
          done: active?.status === "True" && cpu?.resource?.current.averageUtilization !== undefined,
          value: h,
          observed: `ScalingActive=${active?.status ?? "?"} (${active?.reason ?? ""}: ${active?.message ?? ""}); currentMetrics=${JSON.stringify(h.status?.currentMetrics ?? [])}`,
        };
      },
      { what: "the HPA to report cpu utilization", timeoutMs: 120_000, intervalMs: 2_000 },
    );
    const cpu = hpa.status!.currentMetrics!.find((m) => m.resource?.name === "cpu")!.resource!.current;
    console.log(`HPA busy: cpu ${cpu.averageUtilization}% of request (${cpu.averageValue}), replicas ${hpa.status?.currentReplicas}`);
    expect(cpu.averageUtilization).toBeGreaterThanOrEqual(0);
    expect(hpa.status?.conditions?.find((c) => c.type === "ScalingActive")?.reason).toBe("ValidMetricFound");
  });
});
