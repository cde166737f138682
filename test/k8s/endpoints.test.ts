import { describe, expect, it } from "vitest";
import { diagnoseSelector, diagnoseTargetPorts, formatLabels, selects } from "../../harness/k8s/endpoints.ts";

const pod = (name: string, labels: Record<string, string>, ready = true) => ({ name, labels, ready });

describe("diagnoseSelector", () => {
  it("names the selector and the labels the pods carry when nothing matches", () => {
    const pods = [pod("my-app-1", { app: "my-app", "pod-template-hash": "abc" }), pod("my-app-2", { app: "my-app", "pod-template-hash": "abc" })];
    expect(diagnoseSelector({ run: "my-app" }, pods)).toBe("selector {run: my-app} matches 0 pods; pods carry {app: my-app}");
  });

  it("lists each distinct label set once", () => {
    const pods = [pod("a", { app: "web" }), pod("b", { app: "api", tier: "back" }), pod("c", { app: "web" })];
    expect(diagnoseSelector({ app: "db" }, pods)).toBe("selector {app: db} matches 0 pods; pods carry {app: web} or {app: api, tier: back}");
  });

  it("says when the namespace has no pods at all", () => {
    expect(diagnoseSelector({ app: "x" }, [])).toBe("selector {app: x} matches 0 pods; there are no pods in the namespace");
  });

  it("says when matching pods exist but none is ready", () => {
    expect(diagnoseSelector({ app: "x" }, [pod("x-1", { app: "x" }, false)])).toBe("selector {app: x} matches 1 pod, none of them ready: x-1");
  });

  it("says when the Service has no selector", () => {
    expect(diagnoseSelector(undefined, [pod("a", { app: "a" })])).toMatch(/has no selector/);
  });

  it("matches like Kubernetes: every selector label must be on the pod", () => {
    expect(selects({ app: "a" }, { app: "a", tier: "web" })).toBe(true);
    expect(selects({ app: "a", tier: "db" }, { app: "a", tier: "web" })).toBe(false);
    expect(formatLabels({})).toBe("{}");
  });
});

describe("diagnoseTargetPorts", () => {
  it("says when a numeric targetPort matches no declared containerPort", () => {
    expect(diagnoseTargetPorts([{ port: 80, targetPort: 8080 as never }], [{ containerPort: 80 }])).toEqual([
      "Service port 80 targets port 8080, but the pods' containers declare 80",
    ]);
  });

  it("defaults targetPort to port, like the API server", () => {
    expect(diagnoseTargetPorts([{ port: 80 }], [{ containerPort: 8080, name: "http" }])).toEqual([
      "Service port 80 targets port 80, but the pods' containers declare http=8080",
    ]);
  });

  it("checks a named targetPort against the container ports' names", () => {
    expect(diagnoseTargetPorts([{ port: 80, targetPort: "web" as never }], [{ containerPort: 8080, name: "http" }])).toEqual([
      "Service port 80 targets the port named web, but the pods' containers declare http=8080",
    ]);
    expect(diagnoseTargetPorts([{ port: 80, targetPort: "http" as never }], [{ containerPort: 8080, name: "http" }])).toEqual([]);
  });

  it("stays silent when the pods declare no ports (containerPort is informational)", () => {
    expect(diagnoseTargetPorts([{ port: 80, targetPort: 8080 as never }], [])).toEqual([]);
  });
});
