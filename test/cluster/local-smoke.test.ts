// The K8s layer against a real control plane: the `local` provider (etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler built from the Go module
// proxy) with kwok for nodes (PODLINGS_LOCAL_PODS=kwok): what CI can always run,
// even where containers cannot. local-pods-smoke.test.ts covers real pods. The first run builds the binaries (minutes); later runs
// reuse them and the running control plane. Never skipped: when the control plane
// cannot start, every test fails with the reason.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkContext } from "./check-context.ts";
import { openClusterSession, type ClosableClusterSession } from "../../harness/cluster/session.ts";
import { applyFiles } from "../../harness/k8s/apply.ts";
import { kubeFor, type Kube } from "../../harness/k8s/client.ts";
import { diagnoseService, serviceEndpoints } from "../../harness/k8s/endpoints.ts";
import { serviceGet } from "../../harness/k8s/http.ts";
import { deletePodAndAwaitReplacement, isPodReady, podsOfDeployment } from "../../harness/k8s/pods.ts";
import { waitForRollout } from "../../harness/k8s/rollout.ts";
import {
  hpaTargets,
  httpThroughService,
  manifestsApply,
  manifestsValid,
  podIsReplaced,
  rolloutCompletes,
  serviceHasReadyEndpoints,
} from "../../harness/checks/k8s.ts";

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: smoke
  labels: { app: smoke }
spec:
  replicas: 2
  selector:
    matchLabels: { app: smoke }
  template:
    metadata:
      labels: { app: smoke }
    spec:
      containers:
        - name: web
          image: YOUR_DOCKER_HUB/simple-node
          ports:
            - containerPort: 8080
          resources:
            requests: { cpu: 50m }
`;

const SERVICES = `apiVersion: v1
kind: Service
metadata:
  name: smoke
spec:
  selector: { app: smoke }
  ports:
    - port: 80
      targetPort: 8080
---
# The course's classic mistake: the selector says run, the pods say app.
apiVersion: v1
kind: Service
metadata:
  name: lonely
spec:
  selector: { run: smoke }
  ports:
    - port: 80
      targetPort: 8080
`;

const HPA = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: smoke
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: smoke }
  minReplicas: 2
  maxReplicas: 4
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 50 } }
`;

const OLD_DEPLOYMENT = `apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: old
spec:
  template:
    metadata:
      labels: { app: old }
    spec:
      containers:
        - name: web
          image: nginx
`;

const TYPO = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: typo
spec:
  selector:
    matchLabels: { app: typo }
  template:
    metadata:
      labels: { app: typo }
    spec:
      containers:
        - name: web
          image: nginx
          prots:
            - containerPort: 80
`;

let session: ClosableClusterSession;
let kube: Kube;
let dir: string;
const runId = `smoke${Date.now().toString(36)}`;

const context = () => checkContext({ dir, runId, session: () => session });

beforeAll(async () => {
  process.env.PODLINGS_LOCAL_PODS = "kwok";
  try {
    session = await openClusterSession({ provider: "local" }, runId, { progress: (m) => console.log(m) });
  } catch (error) {
    // Loud, with the reason: the scripts' own last line is in the message.
    throw new Error(`the local control plane could not be had, so the K8s layer is untested: ${(error as Error).message}`, { cause: error });
  }
  kube = kubeFor(session.kubeconfigPath);
  dir = await mkdtemp(path.join(tmpdir(), "podlings-smoke-"));
  await writeFile(path.join(dir, "deployment.yaml"), DEPLOYMENT);
  await writeFile(path.join(dir, "services.yaml"), SERVICES);
  await writeFile(path.join(dir, "hpa.yaml"), HPA);
  await writeFile(path.join(dir, "old.yaml"), OLD_DEPLOYMENT);
  await writeFile(path.join(dir, "typo.yaml"), TYPO);
}, 45 * 60_000);

afterAll(async () => {
  await session?.close();
  delete process.env.PODLINGS_LOCAL_PODS;
});

describe("local control plane (kwok nodes)", () => {
  it("gives a session in a fresh, labelled namespace with the cluster capability only", async () => {
    expect(session.provider).toBe("local");
    expect(session.capabilities).toEqual(["cluster"]);
    const ns = await kube.core.readNamespace({ name: session.namespace });
    expect(ns.metadata?.labels?.["podlings.dev/run"]).toBe(runId);
    expect(ns.metadata?.labels?.["podlings.dev/managed"]).toBe("true");
  });

  it("accepts valid manifests in a server-side dry run and stores nothing", async () => {
    const outcome = await applyFiles(kube.kc, session.namespace, dir, ["deployment.yaml", "services.yaml"], { dryRun: true });
    expect(outcome.problems).toEqual([]);
    expect(outcome.objects.map((o) => [o.ref, o.ok])).toEqual([
      ["Deployment/smoke", true],
      ["Service/smoke", true],
      ["Service/lonely", true],
    ]);
    const deployments = await kube.apps.listNamespacedDeployment({ namespace: session.namespace });
    expect(deployments.items).toEqual([]);
  });

  it("rejects an extensions/v1beta1 Deployment with our sentence on top of the API server's own message", async () => {
    const outcome = await applyFiles(kube.kc, session.namespace, dir, ["old.yaml"], { dryRun: true });
    expect(outcome.ok).toBe(false);
    const message = outcome.objects[0]!.message!;
    expect(message).toContain("no kind Deployment is served in extensions/v1beta1 (removed in Kubernetes 1.16); use apps/v1");
    expect(message).toContain("(the API server says: GET /apis/extensions/v1beta1: 404 page not found)");
    expect(outcome.objects[0]).toMatchObject({ file: "old.yaml", line: 1, ref: "Deployment/old" });
  });

  it("reports an unknown field with the API server's strict-validation message", async () => {
    const outcome = await applyFiles(kube.kc, session.namespace, dir, ["typo.yaml"], { dryRun: true });
    expect(outcome.ok).toBe(false);
    // Server-side apply's own wording for an unknown field under fieldValidation=Strict.
    expect(outcome.objects[0]!.message).toMatch(/\.spec\.template\.spec\.containers\[name="web"\]\.prots: field not declared in schema/);
  });

  it("the check vocabulary: manifests valid, applied, rolled out", async () => {
    const ctx = context();
    const files = ["deployment.yaml", "services.yaml", "hpa.yaml"];
    const valid = await manifestsValid(files).run(ctx);
    expect(valid.ok, valid.observed).toBe(true);
    const applied = await manifestsApply(files, { images: { "*/simple-node": "app" } }).run(ctx);
    expect(applied.ok, applied.observed).toBe(true);
    const rollout = await rolloutCompletes("smoke", { replicas: 2 }).run(ctx);
    expect(rollout.ok, rollout.observed).toBe(true);
    expect(rollout.observed).toContain("2 desired, 2 updated, 2 ready, 2 available");
  });

  it("pods become Running and Ready through kwok", async () => {
    const result = await waitForRollout(kube, session.namespace, "smoke", { timeoutMs: 60_000 });
    expect(result.ok).toBe(true);
    const { pods } = await podsOfDeployment(kube, session.namespace, "smoke");
    expect(pods.filter(isPodReady)).toHaveLength(2);
    expect(pods.every((p) => p.status?.phase === "Running" && p.status.podIP)).toBe(true);
  });

  it("EndpointSlices list the ready pods of a matching Service", async () => {
    const verdict = await serviceHasReadyEndpoints("smoke").run(context());
    expect(verdict.ok, verdict.observed).toBe(true);
    const endpoints = await serviceEndpoints(kube, session.namespace, "smoke");
    expect(endpoints.ready).toHaveLength(2);
    const { pods } = await podsOfDeployment(kube, session.namespace, "smoke");
    expect(endpoints.ready.map((e) => e.pod).sort()).toEqual(pods.map((p) => p.metadata?.name).sort());
  });

  it("a Service whose selector matches no pods has no endpoints, and the diagnosis names the labels", async () => {
    const endpoints = await serviceEndpoints(kube, session.namespace, "lonely");
    expect(endpoints.ready).toEqual([]);
    const diagnosis = await diagnoseService(kube, session.namespace, "lonely");
    expect(diagnosis.summary).toBe("selector {run: smoke} matches 0 pods; pods carry {app: smoke}");
    const verdict = await serviceHasReadyEndpoints("lonely", { timeoutMs: 3_000 }).run(context());
    expect(verdict.ok).toBe(false);
    expect(verdict.observed).toContain("selector {run: smoke} matches 0 pods; pods carry {app: smoke}");
    expect(verdict.hint).toContain("spec.selector");
  });

  it("the service proxy answers for the API server when no endpoint exists", async () => {
    const reply = await serviceGet(kube.kc, session.namespace, "lonely", 80, "/health");
    expect(reply.status).toBe(503);
    expect(reply.proxyError).toMatch(/no endpoints available for service/);
  });

  it("declares that HTTP through a Service needs real pods", () => {
    const check = httpThroughService("smoke", 80, "/health").returns(200);
    expect(check.requires).toEqual(["cluster+pods"]);
    expect(check.title).toBe("GET /health through Service smoke:80 returns 200");
  });

  it("the HPA controller accepts an HPA that targets the Deployment", async () => {
    const verdict = await hpaTargets("smoke", { deployment: "smoke", minReplicas: 2, maxReplicas: 4, cpuUtilization: 50 }).run(context());
    expect(verdict.ok, verdict.observed).toBe(true);
    expect(verdict.observed).toContain("AbleToScale=True");
  });

  it("self-healing: a deleted pod is replaced by a new ready one", async () => {
    const result = await deletePodAndAwaitReplacement(kube, session.namespace, "smoke", { timeoutMs: 60_000 });
    expect(result.ok, result.observed).toBe(true);
    if (result.ok) expect(result.replacement).not.toBe(result.deleted);
    const verdict = await podIsReplaced("smoke").run(context());
    expect(verdict.ok, verdict.observed).toBe(true);
  });
});
