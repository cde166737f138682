// Exercise 04 on real Docker and the local control plane (a real API server and
// controllers; pods are real when the machine can run them, kwok otherwise):
// verify both ways, then fixes we did not ship, judged by behaviour.
import { describe, expect, it } from "vitest";
import { listeningPortsOf, resolveEnv, serviceTargets } from "../../harness/checks/hpa.ts";
import { account, runSubmission, statuses, verifyBothWays } from "../support/submissions.ts";
import { LOCAL, PODS, withPods } from "../support/cluster.ts";

const ID = "04-k8s-deploy";

const ALL_PASS = {
  "image-builds": "passed",
  "app-answers-on-service-port": "passed",
  "manifests-valid": "passed",
  "manifests-apply": "passed",
  "rollout-my-app": "passed",
  "endpoints-my-app": "passed",
  "http-my-app-health": withPods("passed"),
};

const SERVICE_SELECTING_APP = `apiVersion: v1
kind: Service
metadata:
  name: my-app
spec:
  selector:
    app: my-app
  ports:
    - port: 80
`;

describe(`04-k8s-deploy on real Docker and the local control plane (${PODS ? "real pods" : "kwok pods"})`, () => {
  it("verify: the starter's Service selects no pods and targets port 80; the solution passes every check", async () => {
    const o = await verifyBothWays(ID, LOCAL);
    expect(statuses(o.starter.result)).toEqual({
      ...ALL_PASS,
      "app-answers-on-service-port": "failed",
      "endpoints-my-app": "failed",
      "http-my-app-health": "not-run",
    });
    expect(account(o.starter.result, "app-answers-on-service-port")).toMatch(/port 80 → 80 \(no targetPort.*inside the container the app listens on 8080/);
    expect(account(o.starter.result, "app-answers-on-service-port")).toMatch(/set targetPort: 8080 in k8s\/service\.yaml, or make the app listen on 80/);
    expect(account(o.starter.result, "endpoints-my-app")).toMatch(/selector \{run: my-app\} matches 0 pods; pods carry \{app: my-app\}/);
    expect(statuses(o.solution.result)).toEqual(ALL_PASS);
  });

  it("relabelling the pods run: my-app and moving the app to port 80 with env PORT passes", async () => {
    const res = await runSubmission(
      ID,
      {
        edits: [
          ["k8s/deployment.yaml", /app: my-app\n(\s+)template:/, "run: my-app\n$1template:"],
          ["k8s/deployment.yaml", /labels:\n(\s+)app: my-app\n(\s+)spec:\n(\s+)containers:/, "labels:\n$1run: my-app\n$2spec:\n$3containers:"],
          ["k8s/deployment.yaml", "- containerPort: 80", "- containerPort: 80\n          env:\n            - name: PORT\n              value: \"80\""],
        ],
      },
      LOCAL,
    );
    expect(statuses(res)).toEqual(ALL_PASS);
    expect(account(res, "app-answers-on-service-port")).toMatch(/started with PORT=80: port 80 → 80/);
    expect(account(res, "endpoints-my-app")).toMatch(/2 ready endpoint/);
  });

  it("a selector fix with a named targetPort (http → containerPort 8080) passes", async () => {
    const res = await runSubmission(
      ID,
      {
        files: { "k8s/service.yaml": SERVICE_SELECTING_APP.replace("- port: 80\n", "- port: 80\n      targetPort: http\n") },
        edits: [["k8s/deployment.yaml", "- containerPort: 80", "- name: http\n              containerPort: 8080"]],
      },
      LOCAL,
    );
    expect(statuses(res)).toEqual(ALL_PASS);
    expect(account(res, "app-answers-on-service-port")).toMatch(/port 80 → targetPort the port named http \(8080\): 200/);
  });

  it("fixing only the selector gets endpoints but the wrong port: the port check names 80 and 8080, and traffic fails", async () => {
    const res = await runSubmission(ID, { files: { "k8s/service.yaml": SERVICE_SELECTING_APP } }, LOCAL);
    expect(statuses(res)).toEqual({ ...ALL_PASS, "app-answers-on-service-port": "failed", "http-my-app-health": withPods("failed") });
    expect(account(res, "app-answers-on-service-port")).toMatch(/sends port 80 → 80 \(no targetPort, so the same as port\); started with no env, the app answers nothing there; inside the container the app listens on 8080/);
    if (PODS) expect(account(res, "http-my-app-health")).toMatch(/:80\b.*(refused|reset)/);
  });

  it("fixing the ports (targetPort and containerPort 8080) but not the selector leaves the Service without endpoints", async () => {
    const res = await runSubmission(
      ID,
      {
        edits: [
          ["k8s/service.yaml", "- port: 80\n", "- port: 80\n      targetPort: 8080\n"],
          ["k8s/deployment.yaml", "- containerPort: 80", "- containerPort: 8080"],
        ],
      },
      LOCAL,
    );
    expect(statuses(res)).toEqual({ ...ALL_PASS, "endpoints-my-app": "failed", "http-my-app-health": "not-run" });
    expect(account(res, "endpoints-my-app")).toMatch(/selector \{run: my-app\} matches 0 pods; pods carry \{app: my-app\}/);
  });

  it("changing only containerPort to 8080 does not move traffic: the Service still sends to 80", async () => {
    const res = await runSubmission(
      ID,
      {
        files: { "k8s/service.yaml": SERVICE_SELECTING_APP },
        edits: [["k8s/deployment.yaml", "- containerPort: 80", "- containerPort: 8080"]],
      },
      LOCAL,
    );
    expect(res.results.find((r) => r.id === "app-answers-on-service-port")?.status).toBe("failed");
    expect(account(res, "app-answers-on-service-port")).toMatch(/no targetPort, so the same as port/);
  });
});

describe("04-k8s-deploy: how the Service's target port and the pod's env are resolved (pure)", () => {
  const podSpec = { containers: [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }] };

  it("targetPort defaults to port, names resolve through containerPort names, unknown names are explained", () => {
    expect(serviceTargets([{ port: 80 }], podSpec)).toEqual([{ servicePort: 80, port: 80, route: "port 80 → 80 (no targetPort, so the same as port)" }]);
    expect(serviceTargets([{ port: 80, targetPort: "http" }], podSpec)).toEqual([
      { servicePort: 80, port: 8080, route: "port 80 → targetPort the port named http (8080)" },
    ]);
    expect(serviceTargets([{ port: 80, targetPort: "web" }], podSpec)).toBe(
      "Service port 80 has targetPort web, but no containerPort is named web (named ports: http=8080)",
    );
  });

  it("env comes from envFrom, then env with $(VAR) expansion, ConfigMaps and Secrets from the same manifests", () => {
    const cm = { file: "k8s/cm.yaml", line: 1, object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" }, data: { PORT: "9090", MODE: "x" } } };
    const secret = { file: "k8s/s.yaml", line: 1, object: { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { TOKEN: Buffer.from("t0k").toString("base64") } } };
    const r = resolveEnv(
      {
        name: "app",
        envFrom: [{ configMapRef: { name: "cfg" } }],
        env: [
          { name: "URL", value: "http://0.0.0.0:$(PORT)/" },
          { name: "TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "TOKEN" } } },
          { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          { name: "MISSING", valueFrom: { configMapKeyRef: { name: "nope", key: "k" } } },
        ],
      },
      [cm, secret],
      { name: "my-app-pod", namespace: "default" },
    );
    expect(r.env).toEqual({ PORT: "9090", MODE: "x", URL: "http://0.0.0.0:9090/", TOKEN: "t0k", POD: "my-app-pod" });
    expect(r.notes).toEqual(["MISSING: key k of ConfigMap nope is not in the manifests"]);
  });

  it("listening ports are read from /proc/net/tcp (state 0A only)", () => {
    const proc = [
      "  sl  local_address rem_address   st",
      "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000",
      "   1: 0100007F:0050 0100007F:C350 01 00000000:00000000",
    ].join("\n");
    expect(listeningPortsOf(proc)).toEqual([8080]);
  });
});
