// Reverse-proxy checks. On Docker: a backend reachable under its Service's name
// on a user-defined network (as in the cluster), `nginx -t` on the learner's
// config with that name resolvable, and requests through the proxy compared with
// what the backend itself answers. In the cluster: which built image the proxy
// Deployment runs, that only the proxy is exposed, and traffic through it.
import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import type { Check, CheckContext, Verdict } from "../types.ts";
import { createNetwork, removeNetwork } from "../docker/network.ts";
import { containerLogs, lastLines } from "../docker/logs.ts";
import { runToCompletion } from "../docker/run.ts";
import { eventually, formatDuration } from "../eventually.ts";
import { httpRequest, snippet, type HttpOutcome, type HttpReply } from "../http.ts";
import { apiErrorCode, apiErrorMessage } from "../k8s/client.ts";
import { formatLabels, selects } from "../k8s/endpoints.ts";
import { deploymentLogs } from "../k8s/logs.ts";
import { containerStaysUp } from "./docker.ts";
import { httpThroughService, kubeOf, type HttpThroughServiceCheck } from "./k8s.ts";
import { containerName, getContainer, getImage } from "./state.ts";

/** Docker network names of this run, by the name the exercise uses. */
function networkName(ctx: CheckContext, name: string): string {
  return `podlings-${ctx.exercise.id}-${name}-${ctx.runId}`.toLowerCase();
}

/**
 * Creates the run's network `name` once (labelled, removed at the end of the run)
 * and returns its Docker name, which is what containerStaysUp reads from the state.
 */
export async function ensureNetwork(ctx: CheckContext, name: string): Promise<string> {
  const key = `network:${name}`;
  const known = ctx.state.get(key);
  if (typeof known === "string") return known;
  const dockerName = networkName(ctx, name);
  const id = await createNetwork(dockerName, ctx.labels);
  ctx.state.set(key, dockerName);
  // Registered before any container joins it: cleanups run in reverse, so the containers go first.
  ctx.defer(() => removeNetwork(id));
  return dockerName;
}

export interface OnNetworkOptions {
  /** The image name in this exercise (as given to imageBuilds). */
  image: string;
  /** The container's name in this exercise (default: the image name). */
  name?: string;
  network: string;
  /** DNS names other containers on the network reach it by, e.g. the Service name. */
  aliases: string[];
  port?: number;
  seconds?: number;
  id?: string;
  needs?: string[];
}

/** Runs a container on the run's network under the given aliases, and expects it to stay up. */
export function staysUpOnNetwork(opts: OnNetworkOptions): Check {
  const name = opts.name ?? opts.image;
  const inner = containerStaysUp({
    image: opts.image,
    name,
    network: opts.network,
    aliases: opts.aliases,
    ports: [opts.port ?? 8080],
    seconds: opts.seconds ?? 3,
    id: opts.id,
    needs: opts.needs,
  });
  return {
    ...inner,
    title: `${name} stays up on a network where it is called ${opts.aliases.join(", ")}`,
    async run(ctx) {
      await ensureNetwork(ctx, opts.network);
      return inner.run(ctx);
    },
  };
}

export interface NginxConfigOptions {
  /** The proxy image (built with the learner's nginx.conf inside). */
  image: string;
  network: string;
  /** Where the learner edits the file, for messages. */
  file: string;
  /** Where the Dockerfile puts it in the image. */
  pathInImage?: string;
  id?: string;
  needs?: string[];
}

/**
 * `nginx -t` in the proxy image, on the network where the backend's name
 * resolves: nginx looks up proxy_pass hosts while it reads the configuration, so
 * a wrong host name is a configuration error, as it would be in the pod.
 */
export function nginxConfigValid(opts: NginxConfigOptions): Check {
  const inImage = opts.pathInImage ?? "/etc/nginx/nginx.conf";
  return {
    id: opts.id ?? "nginx-config-valid",
    title: `nginx -t accepts ${opts.file}`,
    timeoutMs: 60_000,
    needs: opts.needs ?? [`image-builds-${opts.image}`],
    requires: ["docker"],
    async run(ctx) {
      const network = await ensureNetwork(ctx, opts.network);
      const r = await runToCompletion(
        {
          image: getImage(ctx, opts.image),
          name: containerName(ctx, `${opts.image}-nginx-t`),
          labels: ctx.labels,
          cmd: ["nginx", "-t", "-c", inImage],
          network,
        },
        45_000,
      );
      return judgeNginxTest(r.exitCode, r.output, { file: opts.file, inImage });
    },
  };
}

/** Reads `nginx -t` output. Pure. */
export function judgeNginxTest(exitCode: number, output: string, where: { file: string; inImage: string }): Verdict {
  const expected = `nginx -t reports "syntax is ok" and "test is successful" for ${where.file}`;
  const lines = output.split("\n").map((l) => l.replaceAll(where.inImage, where.file).trim()).filter(Boolean);
  if (exitCode === 0) {
    return { ok: true, expected, observed: lines.find((l) => /test is successful/.test(l)) ?? "nginx -t exited 0" };
  }
  const emerg = lines.find((l) => /\[emerg\]/.test(l)) ?? lines[lines.length - 1] ?? `nginx -t exited ${exitCode}`;
  const observed = emerg.replace(/^.*?\[emerg\]\s*(\d+#\d+:\s*)?/, "");
  const host = /host not found in upstream "([^"]+)"/.exec(observed);
  const hint = host
    ? `nginx looks up "${host[1]}" when it starts, and no such name exists next to the proxy. ` +
      "In the cluster the backend is reachable by its Service's name and port (see simple-express/service.yaml), not by its Deployment's name"
    : `the line above names the file and line; the course's config is \`events {} http { server { listen …; location /api/ { proxy_pass http://HOST:PORT/; } } }\``;
  return { ok: false, expected, observed, hint, details: lines.slice(-6) };
}

export interface ThroughProxyOptions {
  /** Container names in this exercise. */
  proxy: string;
  backend: string;
  /** Path asked of the proxy, e.g. "/api/health". */
  path: string;
  /** Path the backend must see, e.g. "/health". */
  backendPath: string;
  proxyPort?: number;
  backendPort?: number;
  id?: string;
  needs?: string[];
  timeoutMs?: number;
}

/** GET a path through the proxy; it must return exactly what the backend answers on its own path. */
export function proxiesTo(opts: ThroughProxyOptions): Check {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return {
    id: opts.id ?? "proxy-reaches-backend",
    title: `GET ${opts.path} through the proxy returns the backend's answer to GET ${opts.backendPath}`,
    timeoutMs,
    needs: opts.needs ?? [`${opts.proxy}-stays-up`],
    requires: ["docker"],
    async run(ctx) {
      const proxyUrl = urlOf(ctx, opts.proxy, opts.proxyPort ?? 8080);
      const backendUrl = urlOf(ctx, opts.backend, opts.backendPort ?? 8080);
      const want = await backendAnswer(backendUrl + opts.backendPath, ctx.signal);
      if (!want.ok) return { ok: false, expected: `the backend answers GET ${opts.backendPath}`, observed: want.error };
      const expected = `GET ${opts.path} on the proxy returns ${want.reply.status} ${JSON.stringify(snippet(want.reply.body, 60))}, like GET ${opts.backendPath} on the backend`;
      let got: HttpOutcome | undefined;
      try {
        await eventually(
          async () => {
            got = await httpRequest(proxyUrl + opts.path, { timeoutMs: 5000 });
            const same = got.ok && sameAnswer(got.reply, want.reply);
            return { done: same, observed: got.ok ? `${got.reply.status} ${snippet(got.reply.body)}` : got.error };
          },
          { what: expected, timeoutMs: Math.min(10_000, timeoutMs - 5000), intervalMs: 500, signal: ctx.signal },
        );
        return { ok: true, expected, observed: `${got!.ok ? got!.reply.status : "?"}: ${got!.ok ? snippet(got!.reply.body) : ""}` };
      } catch {
        // Fall through to explain what the proxy did instead.
      }
      if (!got?.ok) {
        return { ok: false, expected, observed: `the proxy did not answer: ${got?.error ?? "no reply"}`, hint: "read `docker logs` of the proxy" };
      }
      const proxyLog = await errorLogLines(ctx, opts.proxy);
      const unstripped = await httpRequest(backendUrl + opts.path, { timeoutMs: 5000 });
      return explainMismatch({
        expected,
        path: opts.path,
        backendPath: opts.backendPath,
        reply: got.reply,
        backendOnUnstrippedPath: unstripped.ok ? unstripped.reply : undefined,
        proxyLog,
      });
    },
  };
}

export interface Mismatch {
  expected: string;
  path: string;
  backendPath: string;
  reply: HttpReply;
  /** What the backend answers when asked the proxy's path unchanged. */
  backendOnUnstrippedPath?: HttpReply;
  /** nginx error-log lines about upstreams. */
  proxyLog: string[];
}

/** Why the proxy's answer is not the backend's. Pure. */
export function explainMismatch(m: Mismatch): Verdict {
  // Error pages are HTML; the words inside ("Cannot GET /api/health") are what matters.
  const observed = `${m.reply.status}: ${snippet(m.reply.body.replace(/<[^>]*>/g, " "))}`;
  const upstream = m.proxyLog.find((l) => /upstream/.test(l));
  if (m.reply.status === 502 || m.reply.status === 504) {
    const target = upstream ? /upstream: "([^"]+)"/.exec(upstream)?.[1] : undefined;
    return {
      ok: false,
      expected: m.expected,
      observed: `${m.reply.status} from nginx: it could not reach the backend${target ? ` at ${target}` : ""}`,
      hint: "check the host and port in proxy_pass: the backend's Service name and the Service's port",
      details: m.proxyLog.slice(-3),
    };
  }
  const u = m.backendOnUnstrippedPath;
  if (u && sameAnswer(m.reply, u)) {
    return {
      ok: false,
      expected: m.expected,
      observed: `${observed}; that is the backend's answer to ${m.path} itself, so the proxy forwarded the path with its /api/ prefix`,
      hint: `the backend only knows ${m.backendPath}. With \`location /api/\`, \`proxy_pass http://HOST:PORT/;\` (ending in a slash) replaces /api/ with /`,
    };
  }
  return { ok: false, expected: m.expected, observed, hint: "compare the location and proxy_pass lines of nginx.conf with the backend's routes", details: m.proxyLog.slice(-3) };
}

export interface NotProxiedOptions {
  proxy: string;
  backend: string;
  /** A backend path that must not be reachable on the proxy under the same path, e.g. "/health". */
  path: string;
  proxyPort?: number;
  backendPort?: number;
  id?: string;
  needs?: string[];
}

/** GET path on the proxy must not be the backend's answer: only /api/ is forwarded. */
export function proxyDoesNotExpose(opts: NotProxiedOptions): Check {
  return {
    id: opts.id ?? "proxy-forwards-only-api",
    title: `GET ${opts.path} on the proxy is not the backend's ${opts.path}`,
    timeoutMs: 20_000,
    needs: opts.needs ?? [`${opts.proxy}-stays-up`],
    requires: ["docker"],
    async run(ctx) {
      const backend = await backendAnswer(urlOf(ctx, opts.backend, opts.backendPort ?? 8080) + opts.path, ctx.signal);
      if (!backend.ok) return { ok: false, expected: `the backend answers GET ${opts.path}`, observed: backend.error };
      const r = await httpRequest(urlOf(ctx, opts.proxy, opts.proxyPort ?? 8080) + opts.path, { timeoutMs: 5000 });
      const expected = `GET ${opts.path} on the proxy does not return the backend's ${backend.reply.status} ${JSON.stringify(snippet(backend.reply.body, 40))}`;
      if (!r.ok) return { ok: true, expected, observed: r.error };
      if (sameAnswer(r.reply, backend.reply)) {
        return {
          ok: false,
          expected,
          observed: `${r.reply.status}: ${snippet(r.reply.body)}, the backend's own answer`,
          hint: "the proxy forwards more than /api/: keep only `location /api/ { … }` pointing at the backend",
        };
      }
      return { ok: true, expected, observed: `${r.reply.status}: ${snippet(r.reply.body)}` };
    },
  };
}

function urlOf(ctx: CheckContext, container: string, port: number): string {
  return `http://127.0.0.1:${getContainer(ctx, container).hostPort(port)}`;
}

function sameAnswer(a: HttpReply, b: HttpReply): boolean {
  return a.status === b.status && a.body === b.body;
}

async function backendAnswer(url: string, signal: AbortSignal): Promise<HttpOutcome> {
  let last: HttpOutcome = { ok: false, error: "no reply" };
  try {
    return await eventually(
      async () => {
        last = await httpRequest(url, { timeoutMs: 3000 });
        return { done: last.ok, value: last, observed: last.ok ? String(last.reply.status) : last.error };
      },
      { what: `the backend at ${url}`, timeoutMs: 8000, intervalMs: 300, signal },
    );
  } catch {
    return { ok: false, error: `the backend did not answer ${new URL(url).pathname} (${last.ok ? "" : last.error}, waited ${formatDuration(8000)})` };
  }
}

/** nginx writes upstream errors to its error log, which the image sends to stderr. */
async function errorLogLines(ctx: CheckContext, container: string): Promise<string[]> {
  try {
    const lines = lastLines(await containerLogs(getContainer(ctx, container).id), 20).filter((l) => /\[(error|warn|crit|emerg)\]/.test(l));
    // nginx retries and logs the same failure several times; once is enough.
    return [...new Map(lines.map((l) => [l.replace(/^\S+ \S+ /, "").replace(/\*\d+ /, ""), l])).values()];
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------
// Kubernetes level

export interface RunsImageOptions {
  deployment: string;
  /** The image name in this exercise that the Deployment must run. */
  image: string;
  /** Every image built in this run, by name → the Dockerfile it came from (for messages). */
  builtFrom: Record<string, string>;
  id?: string;
  needs?: string[];
}

/** Which built image a reference is, if any. Pure. */
export function whichBuilt(reference: string, loaded: Record<string, string>): string | undefined {
  return Object.entries(loaded).find(([, ref]) => ref === reference)?.[0];
}

/**
 * The Deployment's pod template (as stored in the cluster) references the image
 * built from the given Dockerfile: compared with the references this run loaded
 * into the cluster, not by reading names in YAML.
 */
export function deploymentRunsImage(opts: RunsImageOptions): Check {
  const dockerfile = opts.builtFrom[opts.image] ?? opts.image;
  return {
    id: opts.id ?? `${opts.deployment}-runs-${opts.image}-image`,
    title: `Deployment ${opts.deployment} runs the image built from ${dockerfile}`,
    timeoutMs: 5 * 60_000,
    needs: opts.needs ?? ["manifests-apply"],
    requires: ["cluster"],
    async run(ctx) {
      const { session, kube, namespace } = await kubeOf(ctx);
      const loaded: Record<string, string> = {};
      for (const name of Object.keys(opts.builtFrom)) loaded[name] = await session.loadImage(getImage(ctx, name));
      const expected = `the containers of Deployment ${opts.deployment} run the image built from ${dockerfile}`;
      let d: V1Deployment;
      try {
        d = await kube.apps.readNamespacedDeployment({ name: opts.deployment, namespace });
      } catch (error) {
        return { ok: false, expected, observed: apiErrorCode(error) === 404 ? `there is no Deployment ${opts.deployment}` : apiErrorMessage(error) };
      }
      const containers = d.spec?.template.spec?.containers ?? [];
      const lines = containers.map((c) => {
        const built = whichBuilt(c.image ?? "", loaded);
        return { name: c.name, built, line: `container ${c.name} runs ${built ? `the image built from ${opts.builtFrom[built]}` : `${c.image}, which this run did not build`}` };
      });
      if (lines.some((l) => l.built === opts.image)) return { ok: true, expected, observed: lines.map((l) => l.line).join("; ") };
      const wrongBuilt = lines.find((l) => l.built && l.built !== opts.image);
      return {
        ok: false,
        expected,
        observed: lines.map((l) => l.line).join("; ") || "the pod template has no containers",
        hint: wrongBuilt
          ? `Deployment ${opts.deployment} must run its own image: point image: at the one you build from ${dockerfile}, not the one from ${opts.builtFrom[wrongBuilt.built!]}`
          : `name the image you build from ${dockerfile} in the container's image: field (see the README for the name the checks map to the image they build)`,
      };
    },
  };
}

export interface OnlyExposedOptions {
  /** The backend's Service, which must stay ClusterIP. */
  internal: string;
  /** The Deployment behind it, whose pods no NodePort/LoadBalancer Service may select. */
  internalDeployment: string;
  /** The Service that is meant to face clients. */
  exposed: string;
  id?: string;
  needs?: string[];
}

/** Services that reach `pods` from outside the cluster. Pure. */
export function exposingServices(services: V1Service[], podLabels: Record<string, string>): string[] {
  return services
    .filter((s) => (s.spec?.type ?? "ClusterIP") !== "ClusterIP" || (s.spec?.externalIPs?.length ?? 0) > 0)
    .filter((s) => s.spec?.selector && Object.keys(s.spec.selector).length > 0 && selects(s.spec.selector, podLabels))
    .map((s) => `${s.metadata?.name} (${s.spec?.type ?? "ClusterIP"}${s.spec?.externalIPs?.length ? ", externalIPs" : ""})`);
}

/** The backend stays behind the proxy: its Service is ClusterIP and nothing else exposes its pods; the proxy's Service exists. */
export function onlyProxyExposed(opts: OnlyExposedOptions): Check {
  return {
    id: opts.id ?? "only-proxy-exposed",
    title: `only the proxy faces clients: Service ${opts.internal} stays ClusterIP`,
    timeoutMs: 30_000,
    needs: opts.needs ?? ["manifests-apply"],
    requires: ["cluster"],
    async run(ctx) {
      const { kube, namespace } = await kubeOf(ctx);
      const expected = `Service ${opts.internal} is ClusterIP (reachable inside the cluster only), no other Service exposes the pods of ${opts.internalDeployment}, and Service ${opts.exposed} exists`;
      const services = (await kube.core.listNamespacedService({ namespace })).items;
      const byName = new Map(services.map((s) => [s.metadata?.name, s]));
      const internal = byName.get(opts.internal);
      if (!internal) return { ok: false, expected, observed: `there is no Service ${opts.internal}`, hint: "the proxy reaches the backend through it" };
      if (!byName.has(opts.exposed)) return { ok: false, expected, observed: `there is no Service ${opts.exposed}` };
      let labels: Record<string, string> = {};
      try {
        const d = await kube.apps.readNamespacedDeployment({ name: opts.internalDeployment, namespace });
        labels = d.spec?.template.metadata?.labels ?? {};
      } catch (error) {
        return { ok: false, expected, observed: `cannot read Deployment ${opts.internalDeployment}: ${apiErrorMessage(error)}` };
      }
      const type = internal.spec?.type ?? "ClusterIP";
      const exposing = exposingServices(services, labels);
      if (type !== "ClusterIP" || exposing.length) {
        return {
          ok: false,
          expected,
          observed: type !== "ClusterIP" ? `Service ${opts.internal} is ${type}` : `${exposing.join(", ")} expose${exposing.length === 1 ? "s" : ""} the pods of ${opts.internalDeployment} ${formatLabels(labels)}`,
          hint: `clients should reach the backend only through the proxy: keep ${opts.internal} as type ClusterIP, and expose ${opts.exposed} instead`,
        };
      }
      return { ok: true, expected, observed: `${opts.internal} is ClusterIP; ${opts.exposed} is ${byName.get(opts.exposed)?.spec?.type ?? "ClusterIP"}` };
    },
  };
}

/**
 * A request through the proxy's Service (needs real pods). When nginx in the pod
 * answers 502/504, its error log says which address it could not reach: that
 * goes into the details, because the HTML error page says nothing.
 */
export function throughProxyService(
  service: string,
  port: number,
  path: string,
  opts: { proxyDeployment: string; needs?: string[]; build?: (c: HttpThroughServiceCheck) => HttpThroughServiceCheck },
): Check {
  const inner = (opts.build ?? ((c) => c))(httpThroughService(service, port, path, { needs: opts.needs }));
  return {
    id: inner.id,
    title: inner.title,
    timeoutMs: inner.timeoutMs,
    needs: inner.needs,
    requires: inner.requires,
    async run(ctx) {
      const v = await inner.run(ctx);
      if (v.ok || !/^status 50[24]\b/.test(v.observed)) return v;
      const { kube, namespace } = await kubeOf(ctx);
      const logs = await deploymentLogs(kube, namespace, opts.proxyDeployment, { tailLines: 50 }).catch(() => new Map<string, string>());
      const errors = [...logs.values()].flatMap((l) => l.split("\n")).filter((l) => /\[(error|crit|emerg)\]/.test(l));
      const unique = [...new Map(errors.map((l) => [l.replace(/^\S+ \S+ /, "").replace(/\*\d+ /, ""), l])).values()];
      const upstream = unique.map((l) => /upstream: "([^"]+)"/.exec(l)?.[1]).find(Boolean);
      return {
        ...v,
        observed: `${v.observed.replace(/, body: .*?( \(kept trying|$)/, "$1")}; nginx in the proxy pod could not reach the backend${upstream ? ` at ${upstream}` : ""}`,
        hint: `from a proxy pod, \`kubectl exec -it deploy/${opts.proxyDeployment} -- curl -i <the proxy_pass URL>\` shows whether the backend's Service answers there`,
        details: unique.slice(-3),
      };
    },
  };
}
