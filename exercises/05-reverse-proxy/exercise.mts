import type { Exercise } from "../../harness/types.ts";
import { containerStaysUp, imageBuilds } from "../../harness/checks/docker.ts";
import { manifestsApply, manifestsValid, rolloutCompletes, serviceHasReadyEndpoints } from "../../harness/checks/k8s.ts";
import {
  deploymentRunsImage,
  nginxConfigValid,
  onlyProxyExposed,
  proxiesTo,
  proxyDoesNotExpose,
  staysUpOnNetwork,
  throughProxyService,
} from "../../harness/checks/proxy.ts";

const manifests = [
  "simple-express/deployment.yaml",
  "simple-express/service.yaml",
  "reverse-proxy/reverseproxy_deployment.yaml",
  "reverse-proxy/reverseproxy_service.yaml",
];

const exercise: Omit<Exercise, "id"> = {
  title: "A reverse proxy in front of a backend",
  order: 5,
  requires: ["docker", "cluster"],
  editable: ["reverse-proxy", "simple-express"],
  docs: ["reverse-proxy.md", "kubernetes.md"],
  hints: [
    "nginx looks up the host in proxy_pass when it starts. Inside the cluster, what name does the backend answer to: its Deployment's or its Service's? `kubectl get services` lists the names that resolve.",
    "`kubectl apply` says extensions/v1beta1 has no Deployment any more. apps/v1 also insists on spec.selector, matching the pod template's labels.",
    "Which image does the reverseproxy Deployment run? It must be the one built from reverse-proxy/Dockerfile (YOUR_DOCKER_HUB/reverseproxy), not the backend's.",
    "With `location /api/`, a proxy_pass URL that ends in `/` replaces /api/ with /; without it, the backend sees /api/health, which it does not serve.",
  ],
  // Both fail on every provider, the kwok control plane included.
  starterFails: ["nginx-config-valid", "manifests-valid"],
  checks: [
    imageBuilds({ name: "backend", context: "simple-express" }),
    imageBuilds({ name: "proxy", context: "reverse-proxy" }),
    // On Docker, a user-defined network gives the backend its Service's name, as cluster DNS does.
    staysUpOnNetwork({ image: "backend", network: "mesh", aliases: ["my-app-2-svc"] }),
    nginxConfigValid({ image: "proxy", network: "mesh", file: "reverse-proxy/nginx.conf", needs: ["image-builds-proxy", "backend-stays-up"] }),
    containerStaysUp({ image: "proxy", name: "proxy", network: "mesh", needs: ["nginx-config-valid"] }),
    proxiesTo({ proxy: "proxy", backend: "backend", path: "/api/health", backendPath: "/health" }),
    proxyDoesNotExpose({ proxy: "proxy", backend: "backend", path: "/health" }),
    { ...manifestsValid(manifests), title: "the API server accepts the four manifests (server-side dry run)" },
    {
      ...manifestsApply(manifests, {
        images: { "*/simple-express": "backend", "*/reverseproxy": "proxy", "*/reverse-proxy": "proxy" },
        needs: ["manifests-valid", "image-builds-backend", "image-builds-proxy"],
      }),
      title: "the four manifests apply to the cluster",
    },
    deploymentRunsImage({
      deployment: "reverseproxy",
      image: "proxy",
      builtFrom: { proxy: "reverse-proxy/Dockerfile", backend: "simple-express/Dockerfile" },
      id: "reverseproxy-runs-proxy-image",
    }),
    onlyProxyExposed({ internal: "my-app-2-svc", internalDeployment: "my-app-2", exposed: "reverseproxy-svc" }),
    rolloutCompletes("my-app-2"),
    rolloutCompletes("reverseproxy"),
    serviceHasReadyEndpoints("my-app-2-svc", { needs: ["rollout-my-app-2"] }),
    serviceHasReadyEndpoints("reverseproxy-svc", { needs: ["rollout-reverseproxy"] }),
    throughProxyService("reverseproxy-svc", 8080, "/api/health", {
      proxyDeployment: "reverseproxy",
      needs: ["endpoints-reverseproxy-svc", "endpoints-my-app-2-svc"],
      build: (c) => c.returns(200).bodyMatches(/^Hello!$/, '"Hello!" from the backend'),
    }),
  ],
};

export default exercise;
