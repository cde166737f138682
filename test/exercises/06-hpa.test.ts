// Exercise 06 on real Docker and the local control plane: probes judged by real
// requests against the built image, the HPA and requests read back from the API
// server, self-healing by the real ReplicaSet controller.
import { describe, expect, it } from "vitest";
import { judgeHpa, missingProbes } from "../../harness/checks/hpa.ts";
import type { CheckStatus, ExerciseResult } from "../../harness/types.ts";
import { account, runSubmission, statuses, verifyBothWays } from "../support/submissions.ts";
import { LOCAL, PODS, withMetrics } from "../support/cluster.ts";

const ID = "06-hpa";

/** hpa-reports-metric: runs only with real pods and metrics-server; otherwise it is not run. */
const metricStatus = () => withMetrics("passed");

function allPass(metric: CheckStatus): Record<string, CheckStatus> {
  return {
    "image-builds": "passed",
    "probes-hit-the-app": "passed",
    "manifests-valid": "passed",
    "manifests-apply": "passed",
    "hpa-targets-deployment": "passed",
    "cpu-requests-my-app": "passed",
    "rollout-my-app": "passed",
    "pod-replaced-my-app": "passed",
    "hpa-reports-metric": metric,
    "scales-out-under-load": "not-run",
  };
}

function expectMetricAccount(res: ExerciseResult, metric: CheckStatus): void {
  if (metric === "failed") {
    expect(account(res, "hpa-reports-metric")).toMatch(/serves no metrics API \(metrics\.k8s\.io\): metrics-server is not installed/);
    expect(account(res, "hpa-reports-metric")).toMatch(/clusters\/metrics-server\/metrics-server\.yaml/);
  }
  if (metric === "not-run") expect(account(res, "hpa-reports-metric")).toMatch(/needs real pods/);
}

const HPA_V2 = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: my-app
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: my-app
  minReplicas: 2
  maxReplicas: 4
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 60
`;

/** A deployment.yaml with the given container body (indented 10 spaces) and 2 replicas. */
function deployment(container: string, podSpecExtra = ""): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-app
spec:
  replicas: 2
  selector:
    matchLabels:
      app: my-app
  template:
    metadata:
      labels:
        app: my-app
    spec:
      containers:
        - name: busy-node
          image: YOUR_DOCKER_HUB/busy-node
${container}${podSpecExtra}`;
}

describe(`06-hpa on real Docker and the local control plane (${PODS ? "real pods" : "kwok pods"})`, () => {
  it("verify: the starter has no probes, no cpu requests and no HPA; the solution passes every check this cluster can run", async () => {
    const o = await verifyBothWays(ID, LOCAL);
    const metric = await metricStatus();
    expect(statuses(o.starter.result)).toEqual({
      ...allPass("not-run"),
      "probes-hit-the-app": "failed",
      "hpa-targets-deployment": "failed",
      "cpu-requests-my-app": "failed",
    });
    expect(account(o.starter.result, "probes-hit-the-app")).toMatch(/container busy-node has no livenessProbe and no readinessProbe/);
    expect(account(o.starter.result, "hpa-targets-deployment")).toMatch(/there is no HorizontalPodAutoscaler.*kubectl autoscale deployment my-app/);
    expect(account(o.starter.result, "cpu-requests-my-app")).toMatch(/busy-node has no resources\.requests\.cpu.*without cpu requests the HPA cannot compute utilization/);
    // A deleted pod comes back even in the starter: self-healing is the ReplicaSet's, not the HPA's.
    expect(account(o.starter.result, "pod-replaced-my-app")).toMatch(/took its place/);

    expect(statuses(o.solution.result)).toEqual(allPass(metric));
    expectMetricAccount(o.solution.result, metric);
    expect(account(o.solution.result, "probes-hit-the-app")).toMatch(/readinessProbe of busy-node: GET \/health on the port named http \(8080\) → 200/);
  });

  it("an autoscaling/v1 HPA with another name, a tcpSocket liveness probe and a cpu limit alone passes", async () => {
    const metric = await metricStatus();
    const res = await runSubmission(
      ID,
      {
        files: {
          "k8s/deployment.yaml": deployment(
            [
              "          ports:",
              "            - containerPort: 8080",
              "          resources:",
              "            limits:",
              "              cpu: 200m",
              "              memory: 128Mi",
              "          livenessProbe:",
              "            tcpSocket:",
              "              port: 8080",
              "          readinessProbe:",
              "            httpGet:",
              "              path: /health",
              "              port: 8080",
              "",
            ].join("\n"),
          ),
          "k8s/autoscaler.yml": [
            "apiVersion: autoscaling/v1",
            "kind: HorizontalPodAutoscaler",
            "metadata:",
            "  name: busy",
            "spec:",
            "  scaleTargetRef:",
            "    apiVersion: apps/v1",
            "    kind: Deployment",
            "    name: my-app",
            "  minReplicas: 2",
            "  maxReplicas: 6",
            "  targetCPUUtilizationPercentage: 70",
            "",
          ].join("\n"),
        },
      },
      LOCAL,
    );
    expect(statuses(res)).toEqual(allPass(metric));
    expect(account(res, "cpu-requests-my-app")).toMatch(/busy-node: 200m/);
    expect(account(res, "hpa-targets-deployment")).toMatch(/HPA busy: 2–6 replicas of Deployment\/my-app at 70% cpu/);
    expect(account(res, "probes-hit-the-app")).toMatch(/livenessProbe of busy-node: tcpSocket 8080 accepts connections/);
  });

  it("moving the app to port 9090 with env PORT, probes and Service following, passes", async () => {
    const metric = await metricStatus();
    const res = await runSubmission(
      ID,
      {
        fromSolution: true,
        edits: [
          ["k8s/deployment.yaml", "containerPort: 8080", "containerPort: 9090\n          env:\n            - name: PORT\n              value: \"9090\""],
          ["k8s/service.yaml", "targetPort: 8080", "targetPort: 9090"],
        ],
      },
      LOCAL,
    );
    expect(statuses(res)).toEqual(allPass(metric));
    expect(account(res, "probes-hit-the-app")).toMatch(/started like the pod \(PORT=9090\).*the port named http \(9090\) → 200/);
  });

  it("probes written next to containers (the course's deployment_with_liveness.yaml) are refused and named", async () => {
    const res = await runSubmission(
      ID,
      {
        fromSolution: true,
        files: {
          "k8s/deployment.yaml": deployment(
            ["          ports:", "            - containerPort: 8080", "          resources:", "            requests:", "              cpu: 100m", ""].join("\n"),
            ["      livenessProbe:", "        httpGet:", "          path: /health", "          port: 8080", "      readinessProbe:", "        httpGet:", "          path: /health", "          port: 8080", ""].join("\n"),
          ),
        },
      },
      LOCAL,
    );
    expect(statuses(res)).toEqual({
      ...allPass("not-run"),
      "probes-hit-the-app": "failed",
      "manifests-valid": "failed",
      "manifests-apply": "not-run",
      "hpa-targets-deployment": "not-run",
      "cpu-requests-my-app": "not-run",
      "rollout-my-app": "not-run",
      "pod-replaced-my-app": "not-run",
    });
    expect(account(res, "probes-hit-the-app")).toMatch(/livenessProbe and readinessProbe sit in the pod spec, next to containers/);
    // The API server names the first unknown field it meets; which of the two misplaced probes that is varies.
    expect(account(res, "manifests-valid")).toMatch(/deployment\.yaml.*spec\.template\.spec\.(livenessProbe|readinessProbe): field not declared in schema/);
  });

  it("probes on a path and port the app does not serve fail against the running app, naming both", async () => {
    const res = await runSubmission(
      ID,
      {
        fromSolution: true,
        edits: [
          ["k8s/deployment.yaml", /path: \/health\n(\s+)port: http/g, "path: /healthz\n$1port: 80"],
        ],
      },
      LOCAL,
    );
    // With real pods the readiness probe keeps the pods out of service, so the rollout never completes.
    expect(statuses(res)).toEqual({
      ...allPass("not-run"),
      "probes-hit-the-app": "failed",
      "rollout-my-app": PODS ? "failed" : "passed",
      "pod-replaced-my-app": PODS ? "not-run" : "passed",
    });
    expect(account(res, "probes-hit-the-app")).toMatch(/readinessProbe of busy-node: GET \/healthz on port 80 → .*inside the container the app listens on 8080/);
  });

  it("with --slow, a bounded load through the Service makes the solution's HPA scale out", async () => {
    const metric = await metricStatus();
    const res = await runSubmission(ID, { fromSolution: true }, { ...LOCAL, slow: true });
    expect(statuses(res)).toEqual({ ...allPass(metric), "scales-out-under-load": metric === "passed" ? "passed" : "not-run" });
    if (metric === "passed") expect(account(res, "scales-out-under-load")).toMatch(/after \d+ requests the HPA wants [3-9] replicas \(minimum 2\)/);
  });

  it("an HPA with minReplicas 1 fails: one pod is a single point of failure", async () => {
    const res = await runSubmission(ID, { fromSolution: true, files: { "k8s/hpa.yaml": HPA_V2.replace("minReplicas: 2", "minReplicas: 1") } }, LOCAL);
    expect(statuses(res)).toEqual({ ...allPass("not-run"), "hpa-targets-deployment": "failed" });
    expect(account(res, "hpa-targets-deployment")).toMatch(/HPA my-app: minReplicas is 1: one pod is a single point of failure/);
  });

  it("an HPA without cpu requests on the container fails, saying why the HPA needs them", async () => {
    const res = await runSubmission(
      ID,
      { fromSolution: true, edits: [["k8s/deployment.yaml", /requests:\n\s+cpu: 100m\n\s+memory: 64Mi\n\s+limits:\n\s+cpu: 500m\n/, "requests:\n              memory: 64Mi\n            limits:\n"]] },
      LOCAL,
    );
    expect(statuses(res)).toEqual({ ...allPass("not-run"), "cpu-requests-my-app": "failed" });
    expect(account(res, "cpu-requests-my-app")).toMatch(/without cpu requests the HPA cannot compute utilization/);
  });
});

describe("06-hpa: judging HPAs and probe placement (pure)", () => {
  const hpa = (name: string, target: string, min: number | undefined, max: number, utilization?: number) => ({
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target },
      minReplicas: min,
      maxReplicas: max,
      metrics: utilization === undefined ? [] : [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: utilization } } }],
    },
  });

  it("an HPA must target the Deployment, with min ≥ 2, max > min and a cpu utilization target", () => {
    expect(judgeHpa([hpa("h", "my-app", 2, 5, 50)], "my-app", 2).ok).toBe(true);
    expect(judgeHpa([hpa("h", "other", 2, 5, 50)], "my-app", 2).observed).toBe("no HPA targets Deployment/my-app: h → Deployment/other");
    expect(judgeHpa([hpa("h", "my-app", undefined, 1)], "my-app", 2).observed).toBe(
      "HPA h: minReplicas is 1 (not set, so 1): one pod is a single point of failure, ask for at least 2; maxReplicas 1 leaves no room to scale out above minReplicas 1; no cpu Resource metric",
    );
  });

  it("probes in the pod spec are named as misplaced; missing ones per container", () => {
    const podSpec = { containers: [{ name: "busy-node", readinessProbe: { httpGet: { path: "/health", port: 8080 } } }], livenessProbe: {} };
    expect(missingProbes(podSpec as never, ["livenessProbe", "readinessProbe"])).toEqual([
      "livenessProbe sits in the pod spec, next to containers; Kubernetes only reads probes inside a container (containers[].livenessProbe)",
      "container busy-node has no livenessProbe",
    ]);
  });
});
