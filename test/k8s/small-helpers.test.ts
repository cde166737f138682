import { describe, expect, it } from "vitest";
import { notServedMessage } from "../../harness/k8s/discovery.ts";
import { exitCodeOf } from "../../harness/k8s/exec.ts";
import { proxyError } from "../../harness/k8s/http.ts";
import { formatCondition, summarizeHpa } from "../../harness/k8s/hpa.ts";
import { podProblems } from "../../harness/k8s/pods.ts";

describe("removed API versions", () => {
  it("says what replaced a removed kind", () => {
    expect(notServedMessage("extensions/v1beta1", "Deployment")).toBe(
      "no kind Deployment is served in extensions/v1beta1 (removed in Kubernetes 1.16); use apps/v1",
    );
    expect(notServedMessage("autoscaling/v2beta2", "HorizontalPodAutoscaler")).toBe(
      "no kind HorizontalPodAutoscaler is served in autoscaling/v2beta2 (removed in Kubernetes 1.26); use autoscaling/v2",
    );
    expect(notServedMessage("example.com/v1", "Widget")).toBe("no kind Widget is served in example.com/v1");
  });
});

describe("service proxy errors", () => {
  it("tells the API server's own Status from the app's answer", () => {
    const status = JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", message: 'no endpoints available for service "my-app"', code: 503 });
    expect(proxyError(503, status)).toBe('no endpoints available for service "my-app"');
    expect(proxyError(503, "Service Unavailable")).toBeUndefined();
    expect(proxyError(200, status)).toBeUndefined();
  });
});

describe("exec exit codes", () => {
  it("reads the exit code from exec's final Status", () => {
    expect(exitCodeOf({ status: "Success" })).toBe(0);
    expect(exitCodeOf({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "3" }] } })).toBe(3);
    expect(exitCodeOf({ status: "Failure" })).toBe(1);
  });
});

describe("HPA summary", () => {
  it("summarises target, bounds, metrics and conditions", () => {
    const s = summarizeHpa({
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "my-app" },
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }],
      },
      status: {
        currentReplicas: 2,
        desiredReplicas: 2,
        currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 12 } } }],
        conditions: [{ type: "ScalingActive", status: "False", reason: "FailedGetResourceMetric", message: "no metrics returned" }],
      },
    });
    expect(s.target).toBe("Deployment/my-app");
    expect(s.currentMetrics).toEqual(["cpu 12% (target 50%)"]);
    expect(formatCondition(s, "ScalingActive")).toBe("ScalingActive=False (FailedGetResourceMetric: no metrics returned)");
    expect(formatCondition(s, "AbleToScale")).toBe("AbleToScale not reported yet");
  });
});

describe("pod problems", () => {
  it("names the waiting reason of a container", () => {
    expect(
      podProblems({
        status: {
          phase: "Pending",
          containerStatuses: [{ name: "app", image: "x", imageID: "", ready: false, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "x"' } } }],
        },
      }),
    ).toBe('Pending, not Ready: container app waiting (ImagePullBackOff: Back-off pulling image "x")');
    expect(podProblems({ status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } })).toBe("Running, Ready");
  });
});
