// Exercise 05 on real Docker (backend and proxy on a user-defined network) and
// the local control plane: verify both ways, then configurations we did not
// ship, judged by what the proxy does with a request.
import { describe, expect, it } from "vitest";
import { explainMismatch, exposingServices, judgeNginxTest } from "../../harness/checks/proxy.ts";
import { account, runSubmission, statuses, verifyBothWays } from "../support/submissions.ts";
import { LOCAL, PODS, withPods } from "../support/cluster.ts";

const ID = "05-reverse-proxy";

const ALL_PASS = {
  "image-builds-backend": "passed",
  "image-builds-proxy": "passed",
  "backend-stays-up": "passed",
  "nginx-config-valid": "passed",
  "proxy-stays-up": "passed",
  "proxy-reaches-backend": "passed",
  "proxy-forwards-only-api": "passed",
  "manifests-valid": "passed",
  "manifests-apply": "passed",
  "reverseproxy-runs-proxy-image": "passed",
  "only-proxy-exposed": "passed",
  "rollout-my-app-2": "passed",
  "rollout-reverseproxy": "passed",
  "endpoints-my-app-2-svc": "passed",
  "endpoints-reverseproxy-svc": "passed",
  "http-reverseproxy-svc-api-health": withPods("passed"),
};

const K8S_NOT_RUN = {
  "manifests-apply": "not-run",
  "reverseproxy-runs-proxy-image": "not-run",
  "only-proxy-exposed": "not-run",
  "rollout-my-app-2": "not-run",
  "rollout-reverseproxy": "not-run",
  "endpoints-my-app-2-svc": "not-run",
  "endpoints-reverseproxy-svc": "not-run",
  "http-reverseproxy-svc-api-health": "not-run",
};

describe(`05-reverse-proxy on real Docker and the local control plane (${PODS ? "real pods" : "kwok pods"})`, () => {
  it("verify: the starter's nginx proxies to a Deployment name and its Deployment is extensions/v1beta1; the solution passes", async () => {
    const o = await verifyBothWays(ID, LOCAL);
    expect(statuses(o.starter.result)).toEqual({
      ...ALL_PASS,
      "nginx-config-valid": "failed",
      "proxy-stays-up": "not-run",
      "proxy-reaches-backend": "not-run",
      "proxy-forwards-only-api": "not-run",
      "manifests-valid": "failed",
      ...K8S_NOT_RUN,
    });
    expect(account(o.starter.result, "nginx-config-valid")).toMatch(/host not found in upstream "my-app-2" in reverse-proxy\/nginx\.conf:7/);
    expect(account(o.starter.result, "nginx-config-valid")).toMatch(/Service's name/);
    expect(account(o.starter.result, "manifests-valid")).toMatch(/reverseproxy_deployment\.yaml.*extensions\/v1beta1 \(removed in Kubernetes 1\.16\); use apps\/v1/);
    expect(statuses(o.solution.result)).toEqual(ALL_PASS);
  });

  it("stripping /api/ with a rewrite, a user's own image name and a NodePort for the proxy passes", async () => {
    const res = await runSubmission(
      ID,
      {
        fromSolution: true,
        files: {
          "reverse-proxy/nginx.conf": [
            "events {}",
            "http {",
            "  server {",
            "    listen 8080;",
            "    location /api/ {",
            "      rewrite ^/api/(.*)$ /$1 break;",
            "      proxy_pass http://my-app-2-svc:8080;",
            "    }",
            "  }",
            "}",
            "",
          ].join("\n"),
        },
        edits: [
          ["reverse-proxy/reverseproxy_deployment.yaml", "image: YOUR_DOCKER_HUB/reverseproxy", "image: jdoe/reverseproxy:1.0.3"],
          ["reverse-proxy/reverseproxy_service.yaml", "spec:\n", "spec:\n  type: NodePort\n"],
        ],
      },
      LOCAL,
    );
    expect(statuses(res)).toEqual(ALL_PASS);
    expect(account(res, "only-proxy-exposed")).toMatch(/my-app-2-svc is ClusterIP; reverseproxy-svc is NodePort/);
  });

  it("a proxy image named reverse-proxy, an extra pod label and a root page of its own passes", async () => {
    const res = await runSubmission(
      ID,
      {
        fromSolution: true,
        edits: [
          ["reverse-proxy/reverseproxy_deployment.yaml", "image: YOUR_DOCKER_HUB/reverseproxy", "image: YOUR_DOCKER_HUB/reverse-proxy"],
          ["reverse-proxy/reverseproxy_deployment.yaml", /labels:\n(\s+)service: reverseproxy\n(\s+)spec:/, "labels:\n$1service: reverseproxy\n$1tier: edge\n$2spec:"],
          ["reverse-proxy/nginx.conf", "listen 8080;", "listen 8080;\n    location = / {\n      return 200 'proxy up';\n    }"],
        ],
      },
      LOCAL,
    );
    expect(statuses(res)).toEqual(ALL_PASS);
    expect(account(res, "reverseproxy-runs-proxy-image")).toMatch(/runs the image built from reverse-proxy\/Dockerfile/);
  });

  it("proxy_pass without the trailing slash forwards /api/health unchanged: the check says the prefix was not stripped", async () => {
    const res = await runSubmission(
      ID,
      { fromSolution: true, edits: [["reverse-proxy/nginx.conf", "proxy_pass http://my-app-2-svc:8080/;", "proxy_pass http://my-app-2-svc:8080;"]] },
      LOCAL,
    );
    expect(statuses(res)).toEqual({ ...ALL_PASS, "proxy-reaches-backend": "failed", "http-reverseproxy-svc-api-health": withPods("failed") });
    expect(account(res, "proxy-reaches-backend")).toMatch(/404: .*Cannot GET \/api\/health.*forwarded the path with its \/api\/ prefix/);
    expect(account(res, "proxy-reaches-backend")).toMatch(/ending in a slash/);
    if (PODS) expect(account(res, "http-reverseproxy-svc-api-health")).toMatch(/status 404/);
  });

  it("a valid apps/v1 Deployment that still runs the backend's image fails on the image, by reference", async () => {
    const res = await runSubmission(
      ID,
      {
        fromSolution: true,
        edits: [["reverse-proxy/reverseproxy_deployment.yaml", "image: YOUR_DOCKER_HUB/reverseproxy", "image: YOUR_DOCKER_HUB/simple-express"]],
      },
      LOCAL,
    );
    expect(statuses(res)).toEqual({ ...ALL_PASS, "reverseproxy-runs-proxy-image": "failed", "http-reverseproxy-svc-api-health": withPods("failed") });
    expect(account(res, "reverseproxy-runs-proxy-image")).toMatch(/container reverseproxy runs the image built from simple-express\/Dockerfile/);
    expect(account(res, "reverseproxy-runs-proxy-image")).toMatch(/not the one from simple-express\/Dockerfile/);
  });

  it("exposing the backend with a NodePort Service fails: only the proxy faces clients", async () => {
    const res = await runSubmission(
      ID,
      { fromSolution: true, edits: [["simple-express/service.yaml", "type: ClusterIP", "type: NodePort"]] },
      LOCAL,
    );
    expect(statuses(res)).toEqual({ ...ALL_PASS, "only-proxy-exposed": "failed" });
    expect(account(res, "only-proxy-exposed")).toMatch(/Service my-app-2-svc is NodePort/);
  });

  it("proxying to the Service on the container's default port 80 gets a 502 naming the address nginx tried", async () => {
    const res = await runSubmission(
      ID,
      { fromSolution: true, edits: [["reverse-proxy/nginx.conf", "my-app-2-svc:8080/", "my-app-2-svc/"]] },
      LOCAL,
    );
    expect(res.results.find((r) => r.id === "proxy-reaches-backend")?.status).toBe("failed");
    expect(account(res, "proxy-reaches-backend")).toMatch(/502 from nginx: it could not reach the backend at http:\/\/[\d.]+:80\/health/);
  });
});

describe("05-reverse-proxy: reading nginx -t and the proxy's answers (pure)", () => {
  const where = { file: "reverse-proxy/nginx.conf", inImage: "/etc/nginx/nginx.conf" };

  it("a failed nginx -t is reported by its [emerg] line, with the learner's file name", () => {
    const v = judgeNginxTest(1, '2026/01/01 00:00:00 [emerg] 1#1: invalid port in "my-app-2-svc:80800" of the "proxy_pass" directive in /etc/nginx/nginx.conf:6\nnginx: configuration file /etc/nginx/nginx.conf test failed\n', where);
    expect(v.ok).toBe(false);
    expect(v.observed).toBe('invalid port in "my-app-2-svc:80800" of the "proxy_pass" directive in reverse-proxy/nginx.conf:6');
    expect(judgeNginxTest(0, "nginx: configuration file /etc/nginx/nginx.conf test is successful\n", where).ok).toBe(true);
  });

  it("a 502 names the upstream nginx tried; the backend's own answer to /api/health means the prefix was kept", () => {
    const base = { expected: "e", path: "/api/health", backendPath: "/health" };
    const bad = explainMismatch({
      ...base,
      reply: { status: 502, body: "<html>502</html>", headers: {} },
      proxyLog: ['2026/01/01 [error] 8#8: *1 connect() failed (111: Connection refused) while connecting to upstream, upstream: "http://172.18.0.2:80/health"'],
    });
    expect(bad.observed).toBe("502 from nginx: it could not reach the backend at http://172.18.0.2:80/health");
    const kept = explainMismatch({
      ...base,
      reply: { status: 404, body: "<pre>Cannot GET /api/health</pre>", headers: {} },
      backendOnUnstrippedPath: { status: 404, body: "<pre>Cannot GET /api/health</pre>", headers: {} },
      proxyLog: [],
    });
    expect(kept.observed).toMatch(/^404: Cannot GET \/api\/health; that is the backend's answer to \/api\/health itself/);
  });

  it("only NodePort, LoadBalancer or externalIPs Services that select the backend's pods count as exposing it", () => {
    const svc = (name: string, type: string | undefined, selector: Record<string, string>, externalIPs?: string[]) => ({
      metadata: { name },
      spec: { type, selector, externalIPs },
    });
    const labels = { app: "my-app-2" };
    expect(
      exposingServices(
        [svc("a", "ClusterIP", labels), svc("b", "NodePort", { service: "reverseproxy" }), svc("c", "LoadBalancer", labels), svc("d", undefined, labels, ["1.2.3.4"])],
        labels,
      ),
    ).toEqual(["c (LoadBalancer)", "d (ClusterIP, externalIPs)"]);
  });
});
