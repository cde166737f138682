import type { Exercise } from "../../harness/types.ts";
import { imageBuilds } from "../../harness/checks/docker.ts";
import { manifestsApply, manifestsValid, podIsReplaced, rolloutCompletes } from "../../harness/checks/k8s.ts";
import {
  cpuRequestsForHpa,
  forManifestFolder,
  hpaReportsMetric,
  hpaTargetsDeployment,
  probesHitTheApp,
  scalesOutUnderLoad,
} from "../../harness/checks/hpa.ts";

const exercise: Omit<Exercise, "id"> = {
  title: "Self-healing and autoscaling: probes, requests and an HPA",
  order: 6,
  requires: ["docker", "cluster"],
  editable: ["k8s", "server.js", "package.json", "Dockerfile", ".dockerignore"],
  docs: ["hpa.md", "kubernetes.md"],
  hints: [
    "Probes are fields of a container (next to image: and ports:), not of the pod spec. Point them at a path and port server.js really serves.",
    "The HPA computes utilization as usage divided by the cpu request. Without `resources.requests.cpu` on every container it has nothing to divide by.",
    "`kubectl autoscale deployment my-app --cpu-percent=50 --min=2 --max=5 --dry-run=client -o yaml > k8s/hpa.yaml` writes an HPA you can keep with the other manifests.",
    "`kubectl delete pod <one of them>` and `kubectl get pods -w`: the ReplicaSet brings the count back. That is the self-healing part; the probes tell it when a pod is really healthy.",
  ],
  // All three fail on every provider, the kwok control plane included.
  starterFails: ["probes-hit-the-app", "hpa-targets-deployment", "cpu-requests-my-app"],
  checks: [
    imageBuilds(),
    probesHitTheApp({ image: "app", files: ["k8s"], deployment: "my-app" }),
    forManifestFolder("k8s", (files) => manifestsValid(files)),
    forManifestFolder("k8s", (files) => manifestsApply(files, { images: { "*/busy-node": "app" }, needs: ["manifests-valid", "image-builds"] })),
    hpaTargetsDeployment({ deployment: "my-app", minReplicasAtLeast: 2 }),
    cpuRequestsForHpa("my-app"),
    rolloutCompletes("my-app"),
    podIsReplaced("my-app"),
    hpaReportsMetric({ deployment: "my-app", needs: ["hpa-targets-deployment", "cpu-requests-my-app", "rollout-my-app"] }),
    scalesOutUnderLoad({ deployment: "my-app", service: "my-app", port: 8080, path: "/burn?ms=200", needs: ["hpa-reports-metric"] }),
  ],
};

export default exercise;
