import type { Exercise } from "../../harness/types.ts";
import { imageBuilds } from "../../harness/checks/docker.ts";
import { httpThroughService, manifestsApply, manifestsValid, rolloutCompletes, serviceHasReadyEndpoints } from "../../harness/checks/k8s.ts";
import { appAnswersOnServicePort } from "../../harness/checks/hpa.ts";

const manifests = ["k8s/deployment.yaml", "k8s/service.yaml"];

const exercise: Omit<Exercise, "id"> = {
  title: "Deploy to Kubernetes: a Service that reaches its pods",
  order: 4,
  requires: ["docker", "cluster"],
  editable: ["k8s", "server.js", "package.json", "Dockerfile", ".dockerignore"],
  docs: ["kubernetes.md"],
  hints: [
    "The pods run, yet the Service sends traffic nowhere. `kubectl describe service my-app` shows `Endpoints: <none>`: compare its selector with the labels in `kubectl get pods --show-labels`.",
    "A Service without targetPort sends traffic to the same port number it listens on (80). Which port does server.js listen on? containerPort does not change that: it only documents it.",
    "Either make the Service forward to the app's port (targetPort), or make the app listen on the Service's port (env PORT in the container). Both are fine.",
  ],
  // Both fail on every provider, the kwok control plane included.
  starterFails: ["app-answers-on-service-port", "endpoints-my-app"],
  checks: [
    imageBuilds(),
    appAnswersOnServicePort({ image: "app", files: manifests, deployment: "my-app", service: "my-app", servicePort: 80, path: "/health" }),
    manifestsValid(manifests),
    manifestsApply(manifests, { images: { "*/simple-node": "app" }, needs: ["manifests-valid", "image-builds"] }),
    rolloutCompletes("my-app", { replicas: 2 }),
    serviceHasReadyEndpoints("my-app", { atLeast: 2 }),
    httpThroughService("my-app", 80, "/health").returns(200),
  ],
};

export default exercise;
