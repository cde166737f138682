import type { V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { rolloutState } from "../../harness/k8s/rollout.ts";

const deployment = (status: V1Deployment["status"], generation = 2, replicas = 2): V1Deployment => ({
  metadata: { name: "my-app", generation },
  spec: { replicas, selector: { matchLabels: { app: "my-app" } }, template: {} },
  status,
});

describe("rolloutState", () => {
  it("is done when the latest spec is seen and every replica is updated and available", () => {
    const s = rolloutState(deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }));
    expect(s.done).toBe(true);
    expect(s.observed).toBe("2 desired, 2 updated, 2 ready, 2 available");
  });

  it("is not done while old replicas remain", () => {
    const s = rolloutState(deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 }));
    expect(s.done).toBe(false);
    expect(s.observed).toContain("1 old");
  });

  it("is not done before the controller has seen the latest generation", () => {
    const s = rolloutState(deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }));
    expect(s.done).toBe(false);
    expect(s.observed).toContain("has not seen the latest spec");
  });

  it("puts the conditions in the observation and notices a missed progress deadline", () => {
    const s = rolloutState(
      deployment({
        observedGeneration: 2,
        replicas: 2,
        updatedReplicas: 2,
        conditions: [
          { type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability." },
          { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "my-app-1" has timed out progressing.' },
        ],
      }),
    );
    expect(s.done).toBe(false);
    expect(s.stuck).toBe(true);
    expect(s.observed).toBe(
      '2 desired, 2 updated, 0 ready, 0 available; Available=False (MinimumReplicasUnavailable: Deployment does not have minimum availability.), Progressing=False (ProgressDeadlineExceeded: ReplicaSet "my-app-1" has timed out progressing.)',
    );
  });

  it("takes one replica when the spec leaves replicas out", () => {
    const d = deployment({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, 1);
    delete d.spec!.replicas;
    expect(rolloutState(d).desired).toBe(1);
    expect(rolloutState(d).done).toBe(true);
  });
});
