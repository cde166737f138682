// The Kubernetes half of the check vocabulary. Each builder returns a Check that
// reads like its line in the exercise README:
//
//   manifestsValid(["k8s/deployment.yaml", "k8s/service.yaml"]),
//   manifestsApply(["k8s/deployment.yaml", "k8s/service.yaml"], { images: { "*/simple-node": "app" } }),
//   rolloutCompletes("my-app", { replicas: 2 }),
//   serviceHasReadyEndpoints("my-app"),
//   httpThroughService("my-app", 80, "/health").returns(200),
//
// The checks never ask which provider they run on: they use `ctx.cluster()`,
// its namespace and its kubeconfig. Checks that need containers to really run
// declare `requires: ["cluster+pods"]`; the runner reports them as not run on a
// cluster without a container runtime (the kwok control plane).
import type { V1Container } from "@kubernetes/client-node";
import type { Capability, Check, CheckContext, ClusterSession, Verdict } from "../types.ts";
import { eventually, formatDuration } from "../eventually.ts";
import { applyManifests, describeFailures, type ApplyOutcome } from "../k8s/apply.ts";
import { apiErrorCode, apiErrorMessage, kubeFor, type Kube } from "../k8s/client.ts";
import { diagnoseService, serviceEndpoints } from "../k8s/endpoints.ts";
import { serviceGet, type ServiceReply } from "../k8s/http.ts";
import { formatCondition, readHpa, summarizeHpa } from "../k8s/hpa.ts";
import { replaceImages, type ImageReferences } from "../k8s/images.ts";
import { deploymentLogs } from "../k8s/logs.ts";
import { readManifests } from "../k8s/manifests.ts";
import { deletePodAndAwaitReplacement } from "../k8s/pods.ts";
import { waitForRollout } from "../k8s/rollout.ts";
import { getImage } from "./state.ts";

const CLUSTER: Capability[] = ["cluster"];
const PODS: Capability[] = ["cluster+pods"];

/** The session and the API clients for its cluster. */
export async function kubeOf(ctx: CheckContext): Promise<{ session: ClusterSession; kube: Kube; namespace: string }> {
  const session = await ctx.cluster();
  return { session, kube: kubeFor(session.kubeconfigPath), namespace: session.namespace };
}

function listFiles(files: string[]): string {
  return files.join(", ");
}

function slug(text: string): string {
  return text.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").toLowerCase() || "root";
}

function snippet(body: string, max = 160): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat || "(empty body)";
}

// --- manifests ------------------------------------------------------------------

export interface ManifestCheckOptions {
  id?: string;
  needs?: string[];
  timeoutMs?: number;
  /**
   * Image placeholders in the manifests → names of images built earlier in this
   * run (see checks/state.ts), e.g. { "YOUR_DOCKER_HUB/simple-node": "app" }.
   * A placeholder may start with "*\/" to match any registry or Docker Hub user.
   */
  images?: Record<string, string>;
}

function applyVerdict(files: string[], outcome: ApplyOutcome, dryRun: boolean): Verdict {
  const expected = dryRun
    ? `the API server accepts every object in ${listFiles(files)} (server-side dry run, strict field validation)`
    : `every object in ${listFiles(files)} is applied to the cluster`;
  const failures = describeFailures(outcome);
  if (outcome.ok) {
    const applied = outcome.objects.filter((o) => !o.skipped).map((o) => o.ref);
    const skipped = outcome.objects.filter((o) => o.skipped).map((o) => `${o.ref} skipped: ${o.skipped}`);
    return { ok: true, expected, observed: `${dryRun ? "accepted" : "applied"}: ${applied.join(", ")}`, details: skipped.length ? skipped : undefined };
  }
  const removedApi = failures.some((f) => f.includes(" is served in ") && f.includes("removed in Kubernetes"));
  const yaml = outcome.problems.length > 0;
  return {
    ok: false,
    expected,
    observed: failures.length === 1 ? failures[0]! : `${failures.length} problems; first: ${failures[0]}`,
    hint: yaml
      ? "the YAML itself does not parse: look at the line and column given (indentation is the usual suspect)"
      : removedApi
        ? "that API version no longer exists: change apiVersion as the message says (apps/v1 Deployments also need spec.selector)"
        : `the message is the API server's own; \`kubectl apply --dry-run=server --validate=strict -f ${files[0]}\` shows the same`,
    details: failures.length > 1 ? failures : undefined,
  };
}

/** The API server judges the manifests (server-side dry run, fieldValidation=Strict); nothing is stored. */
export function manifestsValid(files: string[], options: ManifestCheckOptions = {}): Check {
  return {
    id: options.id ?? "manifests-valid",
    title: `the API server accepts ${listFiles(files)} (server-side dry run)`,
    timeoutMs: options.timeoutMs ?? 60_000,
    needs: options.needs,
    requires: CLUSTER,
    async run(ctx) {
      const { kube, namespace } = await kubeOf(ctx);
      const { manifests, problems } = await readManifests(ctx.dir, files);
      if (problems.length) return applyVerdict(files, { ok: false, problems, objects: [] }, true);
      const outcome = await applyManifests(kube.kc, namespace, manifests, { dryRun: true, signal: ctx.signal });
      return applyVerdict(files, outcome, true);
    },
  };
}

/**
 * Server-side apply (field manager "podlings") into the run's namespace. Images
 * named in `options.images` are made available to the cluster first
 * (`session.loadImage`) and the manifests are pointed at them.
 */
export function manifestsApply(files: string[], options: ManifestCheckOptions = {}): Check {
  return {
    id: options.id ?? "manifests-apply",
    title: `${listFiles(files)} ${files.length === 1 ? "applies" : "apply"} to the cluster`,
    timeoutMs: options.timeoutMs ?? 5 * 60_000,
    needs: options.needs,
    requires: CLUSTER,
    async run(ctx) {
      const { session, kube, namespace } = await kubeOf(ctx);
      const parsed = await readManifests(ctx.dir, files);
      if (parsed.problems.length) return applyVerdict(files, { ok: false, problems: parsed.problems, objects: [] }, false);
      const references = await imageReferences(ctx, session, options.images ?? {});
      if ("missing" in references) {
        return {
          ok: false,
          expected: `image ${references.missing} is built in this run before the manifests are applied`,
          observed: `no image named ${references.missing} was built`,
          hint: "this check needs the image build check to pass first",
        };
      }
      const { manifests, rewrites } = replaceImages(parsed.manifests, references.refs);
      const outcome = await applyManifests(kube.kc, namespace, manifests, { signal: ctx.signal });
      const verdict = applyVerdict(files, outcome, false);
      if (verdict.ok && rewrites.length) {
        verdict.details = [...(verdict.details ?? []), ...rewrites.map((r) => `${r.ref} container ${r.container}: image ${r.from} → ${r.to}`)];
      }
      return verdict;
    },
  };
}

/** Placeholder → cluster reference, loading each image built in this run into the cluster. */
async function imageReferences(
  ctx: CheckContext,
  session: ClusterSession,
  images: Record<string, string>,
): Promise<{ refs: ImageReferences } | { missing: string }> {
  const refs: ImageReferences = {};
  for (const [placeholder, name] of Object.entries(images)) {
    let tag: string;
    try {
      tag = getImage(ctx, name);
    } catch {
      // Without a container runtime no pod pulls anything: the name alone will do.
      if (!session.capabilities.includes("cluster+pods")) continue;
      return { missing: name };
    }
    ctx.progress(`making image ${tag} available to the ${session.provider} cluster`);
    refs[placeholder] = await session.loadImage(tag);
  }
  return { refs };
}

// --- workloads --------------------------------------------------------------------

export interface RolloutOptions {
  replicas?: number;
  timeoutMs?: number;
  id?: string;
  needs?: string[];
}

/** The Deployment's rollout completes: every desired replica updated and available. */
export function rolloutCompletes(name: string, options: RolloutOptions = {}): Check {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const replicas = options.replicas;
  return {
    id: options.id ?? `rollout-${slug(name)}`,
    title: `Deployment ${name} rolls out${replicas !== undefined ? ` with ${replicas} replica${replicas === 1 ? "" : "s"}` : ""}`,
    timeoutMs: timeoutMs + 10_000,
    needs: options.needs ?? ["manifests-apply"],
    requires: CLUSTER,
    async run(ctx) {
      const { kube, namespace } = await kubeOf(ctx);
      const expected = `Deployment ${name} has ${replicas ?? "all its"} replica${replicas === 1 ? "" : "s"} updated and available`;
      const result = await waitForRollout(kube, namespace, name, { timeoutMs, replicas, signal: ctx.signal });
      if (result.ok) return { ok: true, expected, observed: result.state.observed };
      return {
        ok: false,
        expected,
        observed: result.observed,
        hint: replicas !== undefined && result.observed.includes("asks for")
          ? `set spec.replicas: ${replicas} in the Deployment`
          : "read the pod lines below; `kubectl describe pod` and `kubectl logs` show the same",
        details: result.details.length ? result.details : undefined,
      };
    },
  };
}

export interface ReplacementOptions {
  timeoutMs?: number;
  id?: string;
  needs?: string[];
}

/** Self-healing: a deleted pod of the Deployment is replaced by a new, ready one. */
export function podIsReplaced(deployment: string, options: ReplacementOptions = {}): Check {
  const timeoutMs = options.timeoutMs ?? 90_000;
  return {
    id: options.id ?? `pod-replaced-${slug(deployment)}`,
    title: `a deleted pod of ${deployment} is replaced`,
    timeoutMs: timeoutMs + 10_000,
    needs: options.needs ?? [`rollout-${slug(deployment)}`],
    requires: CLUSTER,
    async run(ctx) {
      const { kube, namespace } = await kubeOf(ctx);
      const result = await deletePodAndAwaitReplacement(kube, namespace, deployment, { timeoutMs, signal: ctx.signal });
      const expected = `after a pod of Deployment ${deployment} is deleted, a new pod takes its place and becomes ready`;
      if (result.ok) return { ok: true, expected, observed: result.observed };
      return {
        ok: false,
        expected,
        observed: result.observed,
        hint: "pods are replaced by their ReplicaSet: run them from a Deployment, and make sure new pods can become ready",
      };
    },
  };
}

// --- services -----------------------------------------------------------------------

export interface EndpointsOptions {
  timeoutMs?: number;
  /** At least this many ready endpoints (default 1). */
  atLeast?: number;
  id?: string;
  needs?: string[];
}

/** The Service selects ready pods: its EndpointSlices list ready addresses. */
export function serviceHasReadyEndpoints(service: string, options: EndpointsOptions = {}): Check {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const atLeast = options.atLeast ?? 1;
  return {
    id: options.id ?? `endpoints-${slug(service)}`,
    title: `Service ${service} has ready endpoints`,
    timeoutMs: timeoutMs + 15_000,
    needs: options.needs ?? ["manifests-apply"],
    requires: CLUSTER,
    async run(ctx) {
      const { kube, namespace } = await kubeOf(ctx);
      const expected = `Service ${service} selects ${atLeast === 1 ? "at least one ready pod" : `at least ${atLeast} ready pods`}`;
      try {
        const found = await eventually(
          async () => {
            const e = await serviceEndpoints(kube, namespace, service);
            const observed = `${e.ready.length} ready, ${e.notReady.length} not ready endpoint(s)`;
            return { done: e.ready.length >= atLeast, value: e, observed };
          },
          { what: `ready endpoints of Service ${service}`, timeoutMs, intervalMs: 500, signal: ctx.signal },
        );
        const pods = found.ready.map((r) => `${r.pod ?? "?"} (${r.address})`).join(", ");
        return { ok: true, expected, observed: `${found.ready.length} ready endpoint(s): ${pods}` };
      } catch (error) {
        const diagnosis = await diagnoseService(kube, namespace, service).catch((e: unknown) => ({ summary: apiErrorMessage(e), details: [] }));
        return {
          ok: false,
          expected,
          observed: `${diagnosis.summary} (waited ${formatDuration(timeoutMs)})`,
          hint: diagnosis.summary.includes("matches 0 pods")
            ? "compare spec.selector in the Service with the pod template labels of the Deployment"
            : diagnosis.details.length
              ? "compare the Service's targetPort with the containerPort of the pods"
              : "pods behind a Service must be Ready; look at their readiness probes and `kubectl get pods`",
          details: diagnosis.details.length ? diagnosis.details : [apiErrorMessage(error)],
        };
      }
    },
  };
}

export interface BodyMatcher {
  describe: string;
  test(body: string): boolean;
}

export interface HttpThroughServiceOptions {
  timeoutMs?: number;
  id?: string;
  needs?: string[];
}

/** HTTP GET through the API server's service proxy; needs real pods. Build with `.returns(200)`, `.bodyMatches(...)`. */
export class HttpThroughServiceCheck implements Check {
  id: string;
  title = "";
  timeoutMs: number;
  needs: string[];
  requires: Capability[] = ["cluster+pods"];
  readonly service: string;
  readonly port: number | string;
  readonly path: string;
  status = 200;
  matchers: BodyMatcher[] = [];
  private readonly budgetMs: number;

  constructor(service: string, port: number | string, path: string, options: HttpThroughServiceOptions = {}) {
    this.service = service;
    this.port = port;
    this.path = path.startsWith("/") ? path : `/${path}`;
    this.budgetMs = options.timeoutMs ?? 30_000;
    this.timeoutMs = this.budgetMs + 15_000;
    this.id = options.id ?? `http-${slug(service)}-${slug(this.path)}`;
    this.needs = options.needs ?? [`endpoints-${slug(service)}`];
    this.retitle();
  }

  returns(status: number): this {
    this.status = status;
    this.retitle();
    return this;
  }

  bodyHas(matcher: BodyMatcher): this {
    this.matchers.push(matcher);
    this.retitle();
    return this;
  }

  bodyMatches(pattern: RegExp, describe = String(pattern)): this {
    return this.bodyHas({ describe, test: (b) => pattern.test(b) });
  }

  private retitle(): void {
    const body = this.matchers.length ? ` with ${this.matchers.map((m) => m.describe).join(" and ")}` : "";
    this.title = `GET ${this.path} through Service ${this.service}:${this.port} returns ${this.status}${body}`;
  }

  judge(reply: ServiceReply): Verdict {
    const expected = this.title;
    if (reply.proxyError) {
      return {
        ok: false,
        expected,
        observed: `the API server's proxy answered ${reply.status}: ${reply.proxyError}`,
        hint: "the request never reached your app: check the Service's selector and targetPort against the pods",
      };
    }
    if (reply.status !== this.status) return { ok: false, expected, observed: `status ${reply.status}, body: ${snippet(reply.body)}` };
    const missing = this.matchers.filter((m) => !m.test(reply.body));
    if (missing.length) {
      return { ok: false, expected, observed: `status ${reply.status}, but the body lacks ${missing.map((m) => m.describe).join(" and ")}: ${snippet(reply.body)}` };
    }
    return { ok: true, expected, observed: `status ${reply.status}: ${snippet(reply.body)}` };
  }

  async run(ctx: CheckContext): Promise<Verdict> {
    const { kube, namespace } = await kubeOf(ctx);
    let last: Verdict | undefined;
    try {
      return await eventually(
        async () => {
          const reply = await serviceGet(kube.kc, namespace, this.service, this.port, this.path, { timeoutMs: 5_000, signal: ctx.signal });
          last = this.judge(reply);
          return { done: last.ok, value: last, observed: last.observed };
        },
        { what: this.title, timeoutMs: this.budgetMs, intervalMs: 1_000, signal: ctx.signal },
      );
    } catch (error) {
      const verdict = last ?? { ok: false, expected: this.title, observed: apiErrorMessage(error) };
      return {
        ...verdict,
        observed: `${verdict.observed} (kept trying for ${formatDuration(this.budgetMs)})`,
        hint: verdict.hint ?? `try \`kubectl port-forward service/${this.service} 8080:${this.port}\` and \`curl -i localhost:8080${this.path}\`; read \`kubectl logs deployment/<name>\``,
      };
    }
  }
}

export const httpThroughService = (service: string, port: number | string, path: string, options?: HttpThroughServiceOptions) =>
  new HttpThroughServiceCheck(service, port, path, options);

// --- autoscaling ----------------------------------------------------------------------

export interface HpaTargetsOptions {
  /** The Deployment the HPA must scale. */
  deployment: string;
  minReplicas?: number;
  maxReplicas?: number;
  /** Target average CPU utilisation in percent. */
  cpuUtilization?: number;
  timeoutMs?: number;
  id?: string;
  needs?: string[];
}

/** The HPA (autoscaling/v2) targets the Deployment, and the HPA controller found it (AbleToScale=True). */
export function hpaTargets(hpa: string, options: HpaTargetsOptions): Check {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    id: options.id ?? `hpa-${slug(hpa)}`,
    title: `HorizontalPodAutoscaler ${hpa} scales Deployment ${options.deployment}`,
    timeoutMs: timeoutMs + 10_000,
    needs: options.needs ?? ["manifests-apply"],
    requires: CLUSTER,
    async run(ctx) {
      const { kube, namespace } = await kubeOf(ctx);
      const wants = [
        `scaleTargetRef Deployment/${options.deployment}`,
        ...(options.minReplicas !== undefined ? [`minReplicas ${options.minReplicas}`] : []),
        ...(options.maxReplicas !== undefined ? [`maxReplicas ${options.maxReplicas}`] : []),
        ...(options.cpuUtilization !== undefined ? [`cpu target ${options.cpuUtilization}%`] : []),
      ];
      const expected = `HPA ${hpa} with ${wants.join(", ")}, accepted by the HPA controller`;
      let read;
      try {
        read = await readHpa(kube, namespace, hpa);
      } catch (error) {
        const missing = apiErrorCode(error) === 404;
        return {
          ok: false,
          expected,
          observed: missing ? `there is no HorizontalPodAutoscaler named ${hpa}` : apiErrorMessage(error),
          hint: "add an autoscaling/v2 HorizontalPodAutoscaler manifest (kubectl autoscale deployment ... writes one)",
        };
      }
      const s = summarizeHpa(read);
      const wrong: string[] = [];
      if (s.target !== `Deployment/${options.deployment}`) wrong.push(`scaleTargetRef is ${s.target}`);
      if (options.minReplicas !== undefined && s.minReplicas !== options.minReplicas) wrong.push(`minReplicas is ${s.minReplicas}`);
      if (options.maxReplicas !== undefined && s.maxReplicas !== options.maxReplicas) wrong.push(`maxReplicas is ${s.maxReplicas}`);
      const cpu = (read.spec?.metrics ?? []).find((m) => m.type === "Resource" && m.resource?.name === "cpu")?.resource?.target.averageUtilization;
      if (options.cpuUtilization !== undefined && cpu !== options.cpuUtilization) wrong.push(cpu === undefined ? "no cpu utilization target" : `cpu target is ${cpu}%`);
      if (wrong.length) return { ok: false, expected, observed: wrong.join("; "), hint: "compare spec.scaleTargetRef, minReplicas, maxReplicas and metrics in the HPA manifest" };
      try {
        const able = await eventually(
          async () => {
            const now = summarizeHpa(await readHpa(kube, namespace, hpa));
            const c = now.conditions.AbleToScale;
            return { done: c !== undefined, value: now, observed: formatCondition(now, "AbleToScale") };
          },
          { what: `the HPA controller to judge ${hpa}`, timeoutMs, intervalMs: 1_000, signal: ctx.signal },
        );
        const ok = able.conditions.AbleToScale?.status === "True";
        return {
          ok,
          expected,
          observed: `${formatCondition(able, "AbleToScale")}; ${formatCondition(able, "ScalingActive")}`,
          hint: ok ? undefined : "the HPA controller cannot scale the target: does the Deployment it names exist in the same namespace?",
        };
      } catch (error) {
        return { ok: false, expected, observed: apiErrorMessage(error), hint: "the HPA controller did not report on the HPA; is kube-controller-manager running?" };
      }
    },
  };
}

export interface HpaMetricOptions {
  timeoutMs?: number;
  id?: string;
  needs?: string[];
}

/** With metrics-server, the HPA reports a current metric (ScalingActive=True). Needs real pods. */
export function hpaReportsMetric(hpa: string, options: HpaMetricOptions = {}): Check {
  const timeoutMs = options.timeoutMs ?? 180_000;
  return {
    id: options.id ?? `hpa-metric-${slug(hpa)}`,
    title: `HorizontalPodAutoscaler ${hpa} reports current CPU usage`,
    timeoutMs: timeoutMs + 10_000,
    needs: options.needs ?? [`hpa-${slug(hpa)}`],
    requires: ["cluster+pods", "cluster+metrics"],
    async run(ctx) {
      const { kube, namespace } = await kubeOf(ctx);
      const expected = `HPA ${hpa} has a current metric and ScalingActive=True`;
      try {
        const s = await eventually(
          async () => {
            const now = summarizeHpa(await readHpa(kube, namespace, hpa));
            const active = now.conditions.ScalingActive?.status === "True" && now.currentMetrics.length > 0;
            return { done: active, value: now, observed: `${formatCondition(now, "ScalingActive")}; metrics: ${now.currentMetrics.join(", ") || "none"}` };
          },
          { what: `a current metric on HPA ${hpa}`, timeoutMs, intervalMs: 5_000, signal: ctx.signal },
        );
        return { ok: true, expected, observed: s.currentMetrics.join(", ") };
      } catch (error) {
        return {
          ok: false,
          expected,
          observed: apiErrorMessage(error),
          hint: "the HPA needs resources.requests.cpu on every container, and metrics-server in the cluster (clusters/ has its manifest)",
        };
      }
    },
  };
}

// --- the pod template ---------------------------------------------------------------

export interface TemplateCheckOptions {
  id?: string;
  needs?: string[];
}

/** Every container of the (applied) Deployment requests CPU: the HPA computes utilisation against it. */
export function cpuRequestsSet(deployment: string, options: TemplateCheckOptions = {}): Check {
  return templateCheck(deployment, options, {
    id: `cpu-requests-${slug(deployment)}`,
    title: `every container of ${deployment} requests CPU`,
    expected: `resources.requests.cpu on every container of Deployment ${deployment}`,
    hint: "add resources: { requests: { cpu: 100m } } to each container",
    missing: (c) => (c.resources?.requests?.cpu ? undefined : `container ${c.name} has no resources.requests.cpu`),
  });
}

/** Every container of the (applied) Deployment has a liveness and a readiness probe. */
export function probesDefined(deployment: string, options: TemplateCheckOptions = {}): Check {
  return templateCheck(deployment, options, {
    id: `probes-${slug(deployment)}`,
    title: `every container of ${deployment} has liveness and readiness probes`,
    expected: `livenessProbe and readinessProbe on every container of Deployment ${deployment}`,
    hint: "add livenessProbe and readinessProbe (httpGet on an endpoint your app serves) to each container",
    missing: (c) => {
      const lacks = [c.livenessProbe ? "" : "livenessProbe", c.readinessProbe ? "" : "readinessProbe"].filter(Boolean);
      return lacks.length ? `container ${c.name} has no ${lacks.join(" and ")}` : undefined;
    },
  });
}

interface TemplateRule {
  id: string;
  title: string;
  expected: string;
  hint: string;
  missing(container: V1Container): string | undefined;
}

function templateCheck(deployment: string, options: TemplateCheckOptions, rule: TemplateRule): Check {
  return {
    id: options.id ?? rule.id,
    title: rule.title,
    timeoutMs: 20_000,
    needs: options.needs ?? ["manifests-apply"],
    requires: CLUSTER,
    async run(ctx) {
      const { kube, namespace } = await kubeOf(ctx);
      let containers;
      try {
        const d = await kube.apps.readNamespacedDeployment({ name: deployment, namespace });
        containers = d.spec?.template.spec?.containers ?? [];
      } catch (error) {
        return { ok: false, expected: rule.expected, observed: apiErrorMessage(error), hint: `is there a Deployment named ${deployment}?` };
      }
      const problems = containers.map((c) => rule.missing(c)).filter((p): p is string => p !== undefined);
      if (problems.length) return { ok: false, expected: rule.expected, observed: problems.join("; "), hint: rule.hint };
      return { ok: true, expected: rule.expected, observed: `${containers.length} container(s): ${containers.map((c) => c.name).join(", ")}` };
    },
  };
}

// --- logs ---------------------------------------------------------------------------

export interface PodLogsOptions {
  id?: string;
  needs?: string[];
  tailLines?: number;
}

/** No pod of the Deployment logs a line matching `pattern`. Needs real pods. */
export function podLogsHaveNo(deployment: string, pattern: RegExp, options: PodLogsOptions = {}): Check {
  return {
    id: options.id ?? `pod-logs-${slug(deployment)}`,
    title: `the pods of ${deployment} log no ${pattern}`,
    timeoutMs: 30_000,
    needs: options.needs ?? [`rollout-${slug(deployment)}`],
    requires: PODS,
    async run(ctx) {
      const { kube, namespace } = await kubeOf(ctx);
      const logs = await deploymentLogs(kube, namespace, deployment, { tailLines: options.tailLines ?? 200 });
      const expected = `no line matching ${pattern} in the logs of Deployment ${deployment}`;
      for (const [pod, text] of logs) {
        const line = text.split("\n").find((l) => pattern.test(l));
        if (line !== undefined) return { ok: false, expected, observed: `pod ${pod}: ${line.trim()}`, hint: `\`kubectl logs ${pod}\` shows the whole log` };
      }
      return { ok: true, expected, observed: `${logs.size} pod log(s) read, no match` };
    },
  };
}
