// Checks for autoscaling and self-healing, and the piece they share with any
// exercise that deploys an app: the pod's container, run on Docker the way the
// pod would run it (same image, same env, same command), so probes and Service
// ports are judged by a real request instead of by reading YAML.
import { readdir, stat } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import type { V1Container, V1PodSpec, V1Probe, V1ServicePort, V2HorizontalPodAutoscaler } from "@kubernetes/client-node";
import type { Check, CheckContext, Verdict } from "../types.ts";
import { execIn, removeContainer, runContainer, type RunningContainer } from "../docker/run.ts";
import { containerLogs, lastLines } from "../docker/logs.ts";
import { eventually, formatDuration, sleep } from "../eventually.ts";
import { httpRequest, snippet } from "../http.ts";
import { apiErrorMessage, kubeRequest, type Kube } from "../k8s/client.ts";
import { formatCondition, summarizeHpa } from "../k8s/hpa.ts";
import { serviceGet } from "../k8s/http.ts";
import { readManifests, type Manifest } from "../k8s/manifests.ts";
import { kubeOf } from "./k8s.ts";
import { containerName, getImage } from "./state.ts";

// ---------------------------------------------------------------------------
// The pod's container, read from the learner's manifests (pure helpers)

export interface PodContainer {
  /** "k8s/deployment.yaml". */
  file: string;
  deployment: string;
  podSpec: V1PodSpec;
  container: V1Container;
}

/** Finds the Deployment `name` and its first container (or the one named) among the manifests. Pure. */
export function findPodContainer(manifests: Manifest[], deployment: string, containerName?: string): PodContainer | string {
  const found = manifests.find((m) => m.object.kind === "Deployment" && m.object.metadata.name === deployment);
  if (!found) {
    const names = manifests.filter((m) => m.object.kind === "Deployment").map((m) => m.object.metadata.name);
    return `no Deployment named ${deployment} in the manifests${names.length ? ` (found ${names.join(", ")})` : ""}`;
  }
  const podSpec = ((found.object.spec as { template?: { spec?: V1PodSpec } } | undefined)?.template?.spec ?? undefined) as V1PodSpec | undefined;
  const containers = Array.isArray(podSpec?.containers) ? podSpec!.containers : [];
  const container = containerName ? containers.find((c) => c.name === containerName) : containers[0];
  if (!podSpec || !container) return `Deployment ${deployment} in ${found.file} has no container${containerName ? ` named ${containerName}` : "s"}`;
  return { file: found.file, deployment, podSpec, container };
}

export interface ResolvedEnv {
  env: Record<string, string>;
  /** Variables we could not give a value the way the kubelet would, and why. */
  notes: string[];
}

type Data = Record<string, string>;

/** The data of a ConfigMap or Secret among the manifests (Secret data is base64). Pure. */
function sourceData(manifests: Manifest[], kind: "ConfigMap" | "Secret", name: string | undefined): Data | undefined {
  const m = manifests.find((x) => x.object.kind === kind && x.object.metadata.name === name);
  if (!m) return undefined;
  const o = m.object as { data?: Data; stringData?: Data };
  const data: Data = {};
  for (const [k, v] of Object.entries(o.data ?? {})) data[k] = kind === "Secret" ? Buffer.from(String(v), "base64").toString("utf8") : String(v);
  for (const [k, v] of Object.entries(o.stringData ?? {})) data[k] = String(v);
  return data;
}

/** Expands $(VAR) the way Kubernetes does: earlier variables only, $$ escapes, unknown names stay as written. Pure. */
export function expandVars(value: string, known: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === "$$") return "$";
    return name !== undefined && name in known ? known[name]! : m;
  });
}

/** The container's environment as the kubelet would set it: envFrom, then env (later wins). Pure. */
export function resolveEnv(container: V1Container, manifests: Manifest[], pod: { name: string; namespace: string }): ResolvedEnv {
  const env: Record<string, string> = {};
  const notes: string[] = [];
  for (const from of container.envFrom ?? []) {
    const kind = from.configMapRef ? "ConfigMap" : "Secret";
    const ref = from.configMapRef ?? from.secretRef;
    const data = sourceData(manifests, kind, ref?.name);
    if (!data) {
      if (!ref?.optional) notes.push(`envFrom ${kind} ${ref?.name} is not in the manifests`);
      continue;
    }
    for (const [k, v] of Object.entries(data)) env[`${from.prefix ?? ""}${k}`] = v;
  }
  for (const e of container.env ?? []) {
    if (!e?.name) continue;
    if (e.valueFrom === undefined) {
      env[e.name] = expandVars(String(e.value ?? ""), env);
      continue;
    }
    const cm = e.valueFrom.configMapKeyRef;
    const sec = e.valueFrom.secretKeyRef;
    const field = e.valueFrom.fieldRef?.fieldPath;
    if (cm || sec) {
      const kind = cm ? "ConfigMap" : "Secret";
      const ref = (cm ?? sec)!;
      const value = sourceData(manifests, kind, ref.name)?.[ref.key];
      if (value !== undefined) env[e.name] = value;
      else if (!ref.optional) notes.push(`${e.name}: key ${ref.key} of ${kind} ${ref.name} is not in the manifests`);
    } else if (field === "metadata.name") env[e.name] = pod.name;
    else if (field === "metadata.namespace") env[e.name] = pod.namespace;
    else if (field === "status.podIP" || field === "status.hostIP") env[e.name] = "0.0.0.0";
    else notes.push(`${e.name}: ${field ? `fieldRef ${field}` : "resourceFieldRef"} is only known inside a pod`);
  }
  return { env, notes };
}

/** Kubernetes `command` replaces the image's ENTRYPOINT and `args` its CMD; Docker's Cmd can stand for both here. Pure. */
export function commandOf(container: V1Container): string[] | undefined {
  if (container.command?.length) return [...container.command, ...(container.args ?? [])].map(String);
  if (container.args?.length) return container.args.map(String);
  return undefined;
}

/** A port given as a number or as the name of a containerPort. Pure. */
export function resolvePort(port: number | string | undefined, podSpec: V1PodSpec): { port: number; via: string } | string {
  if (port === undefined || port === null || port === "") return "no port given";
  if (typeof port === "number" || /^\d+$/.test(String(port))) return { port: Number(port), via: String(port) };
  for (const c of podSpec.containers ?? []) {
    const hit = (c.ports ?? []).find((p) => p.name === port);
    if (hit) return { port: hit.containerPort, via: `the port named ${port} (${hit.containerPort})` };
  }
  const named = (podSpec.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => p.name).map((p) => `${p.name}=${p.containerPort}`));
  return `no containerPort is named ${port}${named.length ? ` (named ports: ${named.join(", ")})` : " (no container port has a name)"}`;
}

export interface ServiceTarget {
  servicePort: number;
  port: number;
  /** "port 80 → targetPort 8080", "port 80 → port 80 (no targetPort, so the same as port)". */
  route: string;
}

/** Where a Service port sends traffic on the pods: targetPort, or port when targetPort is absent. Pure. */
export function serviceTargets(ports: V1ServicePort[], podSpec: V1PodSpec): ServiceTarget[] | string {
  const out: ServiceTarget[] = [];
  for (const sp of ports) {
    if (sp.targetPort === undefined) {
      out.push({ servicePort: sp.port, port: sp.port, route: `port ${sp.port} → ${sp.port} (no targetPort, so the same as port)` });
      continue;
    }
    const r = resolvePort(sp.targetPort, podSpec);
    if (typeof r === "string") return `Service port ${sp.port} has targetPort ${sp.targetPort}, but ${r}`;
    out.push({ servicePort: sp.port, port: r.port, route: `port ${sp.port} → targetPort ${r.via === String(r.port) ? r.port : r.via}` });
  }
  return out;
}

/** Listening TCP ports from /proc/net/tcp{,6} text (state 0A). Pure. */
export function listeningPortsOf(procNetTcp: string): number[] {
  const ports = new Set<number>();
  for (const line of procNetTcp.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[3] !== "0A") continue;
    const port = parseInt(f[1]!.split(":").pop() ?? "", 16);
    if (Number.isInteger(port) && port > 0) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------
// Running the pod's container on Docker

export interface PodOnDocker {
  c: RunningContainer;
  pod: PodContainer;
  env: ResolvedEnv;
  /** "PORT=80" or "no env". */
  envDescription: string;
}

export interface PodOnDockerOptions {
  /** The image name in this exercise (as given to imageBuilds). */
  image: string;
  /** Manifest files, relative to the exercise folder; a folder means its *.yaml and *.yml. */
  files: string[];
  deployment: string;
  container?: string;
  /** Container ports to publish. */
  ports: (pod: PodContainer, manifests: Manifest[]) => number[] | string;
}

let podRuns = 0;

/** Starts the built image the way the Deployment's pod would; returns a failed verdict when it cannot. */
export async function startPodOnDocker(ctx: CheckContext, opts: PodOnDockerOptions): Promise<{ run: PodOnDocker; manifests: Manifest[] } | Verdict> {
  const parsed = await readManifests(ctx.dir, await expandFiles(ctx.dir, opts.files));
  const expected = `the pod of Deployment ${opts.deployment} can be started from the manifests`;
  if (parsed.problems.length) {
    const p = parsed.problems[0]!;
    return { ok: false, expected, observed: `${p.file}:${p.line}:${p.col}: ${p.message}`, hint: "fix the YAML first" };
  }
  const pod = findPodContainer(parsed.manifests, opts.deployment, opts.container);
  if (typeof pod === "string") return { ok: false, expected, observed: pod };
  const ports = opts.ports(pod, parsed.manifests);
  if (typeof ports === "string") return { ok: false, expected, observed: ports, hint: `see ${pod.file}` };
  const env = resolveEnv(pod.container, parsed.manifests, { name: `${opts.deployment}-pod`, namespace: "default" });
  const c = await runContainer({
    image: getImage(ctx, opts.image),
    name: containerName(ctx, `${opts.image}-as-pod-${++podRuns}`),
    labels: ctx.labels,
    ports: [...new Set(ports)],
    env: env.env,
    cmd: commandOf(pod.container),
  });
  ctx.defer(() => removeContainer(c.id));
  const names = Object.keys(env.env);
  const envDescription = names.length ? names.map((k) => `${k}=${snippet(env.env[k]!, 30)}`).join(", ") : "no env";
  return { run: { c, pod, env, envDescription }, manifests: parsed.manifests };
}

/**
 * A manifest check over every *.yaml / *.yml in a folder, listed when the check
 * runs: learners add files (an hpa.yaml) that a fixed list would miss.
 */
export function forManifestFolder(folder: string, make: (files: string[]) => Check): Check {
  const shown = make([`${folder}/*.yaml`]);
  return {
    ...shown,
    async run(ctx) {
      return make(await expandFiles(ctx.dir, [folder])).run(ctx);
    },
  };
}

async function expandFiles(dir: string, files: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    const full = path.join(dir, f);
    const s = await stat(full).catch(() => undefined);
    if (s?.isDirectory()) {
      const names = (await readdir(full)).filter((n) => /\.ya?ml$/.test(n)).sort();
      out.push(...names.map((n) => path.posix.join(f, n)));
    } else out.push(f);
  }
  return out;
}

/** Which TCP ports something listens on inside the container (read from /proc, so any Linux image will do). */
export async function listeningPorts(c: RunningContainer): Promise<number[] | undefined> {
  try {
    const r = await execIn(c.id, ["cat", "/proc/net/tcp", "/proc/net/tcp6"], 10_000);
    return listeningPortsOf(r.output);
  } catch {
    return undefined;
  }
}

function describeListening(ports: number[] | undefined): string {
  if (ports === undefined) return "";
  return ports.length ? `; inside the container the app listens on ${ports.join(", ")}` : "; inside the container nothing listens on any TCP port";
}

async function probeHttp(c: RunningContainer, port: number, urlPath: string, headers: Record<string, string> = {}) {
  return httpRequest(`http://127.0.0.1:${c.hostPort(port)}${urlPath}`, { timeoutMs: 3000, headers });
}

async function tcpConnects(host: string, port: number, timeoutMs = 3000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (error?: string) => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(timeoutMs, () => done(`no connection within ${timeoutMs / 1000} s`));
    socket.on("connect", () => {
      // Docker's port proxy accepts even when nothing listens behind it, then closes: wait a moment to tell.
      socket.once("close", () => resolve("the connection was closed at once (nothing listens inside the container on that port)"));
      setTimeout(() => done(), 300);
    });
    socket.on("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" ? "connection refused" : e.message));
  });
}

/**
 * Waits until the app answers on `port`, or until it listens on other ports but
 * not this one (it has started, and will never answer here), or the time runs out.
 */
async function waitForPort(c: RunningContainer, port: number, urlPath: string, signal: AbortSignal, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await probeHttp(c, port, urlPath);
    const listening = reply.ok ? undefined : await listeningPorts(c);
    const settled = reply.ok || (listening !== undefined && listening.length > 0 && !listening.includes(port));
    if (settled || Date.now() >= deadline || signal.aborted) return { reply, listening: listening ?? (await listeningPorts(c)) };
    await sleep(500, signal);
  }
}

/** Polls until the app answers on `port` (or the time runs out); returns the last outcome. */
async function waitForHttp(c: RunningContainer, port: number, urlPath: string, signal: AbortSignal, timeoutMs: number, headers: Record<string, string> = {}) {
  let last = await probeHttp(c, port, urlPath, headers);
  const deadline = Date.now() + timeoutMs;
  while (!last.ok && Date.now() < deadline && !signal.aborted) {
    await sleep(500, signal);
    last = await probeHttp(c, port, urlPath, headers);
  }
  return last;
}

// ---------------------------------------------------------------------------
// Docker-level checks

export interface AnswersOnServicePortOptions {
  image: string;
  files: string[];
  deployment: string;
  service: string;
  /** The port clients call the Service on, which it must keep offering (e.g. 80). */
  servicePort?: number;
  /** What a client asks, e.g. "/health"; the app must answer 200. */
  path: string;
  id?: string;
  needs?: string[];
}

/**
 * The app, started with the pod's env and command, answers on the port the
 * Service sends traffic to (targetPort, or port when targetPort is absent;
 * named ports resolved through the containers). Catches the wrong-port fix on
 * every provider, including those where pods run no containers.
 */
export function appAnswersOnServicePort(opts: AnswersOnServicePortOptions): Check {
  return {
    id: opts.id ?? "app-answers-on-service-port",
    title: `the app answers GET ${opts.path} on the port Service ${opts.service} sends traffic to`,
    timeoutMs: 60_000,
    needs: opts.needs ?? [`image-builds${opts.image === "app" ? "" : `-${opts.image}`}`],
    requires: ["docker"],
    async run(ctx) {
      let targets: ServiceTarget[] = [];
      let serviceFile = "";
      const started = await startPodOnDocker(ctx, {
        ...opts,
        ports: (pod, manifests) => {
          const svc = manifests.find((m) => m.object.kind === "Service" && m.object.metadata.name === opts.service);
          if (!svc) return `no Service named ${opts.service} in the manifests`;
          serviceFile = svc.file;
          const ports = ((svc.object.spec as { ports?: V1ServicePort[] } | undefined)?.ports ?? []) as V1ServicePort[];
          if (!ports.length) return `Service ${opts.service} in ${svc.file} has no ports`;
          if (opts.servicePort !== undefined && !ports.some((p) => p.port === opts.servicePort)) {
            return `Service ${opts.service} offers port${ports.length > 1 ? "s" : ""} ${ports.map((p) => p.port).join(", ")}, but clients call it on port ${opts.servicePort}: keep port: ${opts.servicePort} and use targetPort for the app's port`;
          }
          const t = serviceTargets(ports, pod.podSpec);
          if (typeof t === "string") return t;
          targets = t;
          return t.map((x) => x.port);
        },
      });
      const expected = `started like the pod, the app answers GET ${opts.path} with 200 on the port Service ${opts.service} targets`;
      if (!("run" in started)) return { ...started, expected };
      const { c, pod, envDescription } = started.run;
      const passes: string[] = [];
      for (const t of targets) {
        const r = await waitForPort(c, t.port, opts.path, ctx.signal, 15_000);
        if (r.reply.ok && r.reply.reply.status === 200) {
          passes.push(`${t.route}: ${r.reply.reply.status} ${snippet(r.reply.reply.body, 40)}`);
          continue;
        }
        const there = r.reply.ok ? `GET ${opts.path} answers ${r.reply.reply.status} ${snippet(r.reply.reply.body, 60)}` : "nothing answers there";
        const elsewhere = r.listening?.filter((p) => p !== t.port) ?? [];
        return {
          ok: false,
          expected,
          observed: `Service ${opts.service} sends ${t.route}; started with ${envDescription}, ${there === "nothing answers there" ? "the app answers nothing there" : `the app's ${there}`}${describeListening(r.listening)}`,
          hint: elsewhere.length && !r.reply.ok
            ? `traffic goes to port ${t.port} but the app listens on ${elsewhere.join(", ")}: set targetPort: ${elsewhere[0]} in ${serviceFile}, or make the app listen on ${t.port} (e.g. env PORT in ${pod.file})`
            : `read the container's log below, and compare the Service's targetPort in ${serviceFile} with the port the app listens on`,
          details: lastLines(await containerLogs(c.id), 5),
        };
      }
      return { ok: true, expected, observed: `started with ${envDescription}: ${passes.join("; ")}` };
    },
  };
}

export interface ProbesOptions {
  image: string;
  files: string[];
  deployment: string;
  /** Which probes every container must have (default liveness and readiness). */
  required?: Array<"livenessProbe" | "readinessProbe">;
  id?: string;
  needs?: string[];
}

interface ProbeUse {
  kind: string;
  container: string;
  probe: V1Probe;
}

/** Problems with where the probes are and which exist, before anything runs. Pure. */
export function missingProbes(podSpec: V1PodSpec, required: string[]): string[] {
  const problems: string[] = [];
  const misplaced = required.filter((k) => k in (podSpec as unknown as Record<string, unknown>));
  if (misplaced.length) {
    problems.push(`${misplaced.join(" and ")} sit${misplaced.length === 1 ? "s" : ""} in the pod spec, next to containers; Kubernetes only reads probes inside a container (containers[].${misplaced[0]})`);
  }
  for (const c of podSpec.containers ?? []) {
    const absent = required.filter((k) => !(c as unknown as Record<string, unknown>)[k]);
    if (absent.length) problems.push(`container ${c.name} has no ${absent.join(" and no ")}`);
  }
  return problems;
}

/** What the kubelet would do for one probe, against the running container. */
async function runProbe(use: ProbeUse, c: RunningContainer, podSpec: V1PodSpec, signal: AbortSignal): Promise<{ ok: boolean; line: string }> {
  const { probe } = use;
  const name = `${use.kind} of ${use.container}`;
  if (probe.httpGet) {
    const port = resolvePort(probe.httpGet.port as number | string, podSpec);
    if (typeof port === "string") return { ok: false, line: `${name}: httpGet port ${probe.httpGet.port}: ${port}` };
    const urlPath = probe.httpGet.path || "/";
    if ((probe.httpGet.scheme ?? "HTTP").toUpperCase() === "HTTPS") return { ok: false, line: `${name}: httpGet uses HTTPS; the app serves plain HTTP` };
    const headers = Object.fromEntries((probe.httpGet.httpHeaders ?? []).map((h) => [h.name, h.value]));
    const r = await waitForHttp(c, port.port, urlPath, signal, 15_000, headers);
    const target = `GET ${urlPath} on ${port.via === String(port.port) ? `port ${port.port}` : port.via}`;
    // The kubelet counts 200-399 as success.
    if (r.ok && r.reply.status >= 200 && r.reply.status < 400) return { ok: true, line: `${name}: ${target} → ${r.reply.status}` };
    return { ok: false, line: `${name}: ${target} → ${r.ok ? `${r.reply.status} ${snippet(r.reply.body, 40)}` : r.error}` };
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port as number | string, podSpec);
    if (typeof port === "string") return { ok: false, line: `${name}: tcpSocket port ${probe.tcpSocket.port}: ${port}` };
    let error: string | undefined = "not tried";
    const deadline = Date.now() + 15_000;
    while (error && Date.now() < deadline && !signal.aborted) {
      error = await tcpConnects("127.0.0.1", c.hostPort(port.port));
      if (error) await sleep(500, signal);
    }
    return error ? { ok: false, line: `${name}: tcpSocket ${port.port}: ${error}` } : { ok: true, line: `${name}: tcpSocket ${port.port} accepts connections` };
  }
  if (probe.exec?.command?.length) {
    const r = await execIn(c.id, probe.exec.command.map(String), 15_000).catch((e: Error) => ({ exitCode: -1, output: e.message }));
    const cmd = probe.exec.command.join(" ");
    return r.exitCode === 0
      ? { ok: true, line: `${name}: exec \`${cmd}\` exits 0` }
      : { ok: false, line: `${name}: exec \`${cmd}\` exits ${r.exitCode}${r.output.trim() ? `: ${snippet(r.output, 60)}` : ""}` };
  }
  return { ok: false, line: `${name}: podlings can judge httpGet, tcpSocket and exec probes; this one has none of them` };
}

function probePorts(podSpec: V1PodSpec): number[] {
  const ports: number[] = [];
  for (const c of podSpec.containers ?? []) {
    for (const k of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
      const p = c[k]?.httpGet?.port ?? c[k]?.tcpSocket?.port;
      const r = p === undefined ? undefined : resolvePort(p as number | string, podSpec);
      if (r && typeof r !== "string") ports.push(r.port);
    }
  }
  return ports;
}

/**
 * Every container has liveness and readiness probes, and each succeeds against
 * the built image started with the pod's env: the path and port really serve.
 */
export function probesHitTheApp(opts: ProbesOptions): Check {
  const required = opts.required ?? ["livenessProbe", "readinessProbe"];
  return {
    id: opts.id ?? "probes-hit-the-app",
    title: `liveness and readiness probes succeed against the running app`,
    timeoutMs: 90_000,
    needs: opts.needs ?? [`image-builds${opts.image === "app" ? "" : `-${opts.image}`}`],
    requires: ["docker"],
    async run(ctx) {
      const expected = `each container of Deployment ${opts.deployment} has a ${required.join(" and a ")} that succeed${required.length > 1 ? "" : "s"} against the app`;
      const parsed = await readManifests(ctx.dir, await expandFiles(ctx.dir, opts.files));
      const pod = findPodContainer(parsed.manifests, opts.deployment);
      if (typeof pod !== "string") {
        const missing = missingProbes(pod.podSpec, required);
        if (missing.length) {
          return {
            ok: false,
            expected,
            observed: missing.join("; "),
            hint: `add them under the container in ${pod.file}: e.g. \`readinessProbe: { httpGet: { path: /health, port: 8080 } }\`; without a readiness probe a pod gets traffic before it can answer, without a liveness probe a hung app is never restarted`,
          };
        }
      }
      const started = await startPodOnDocker(ctx, { ...opts, ports: (p) => (probePorts(p.podSpec).length ? probePorts(p.podSpec) : []) });
      if (!("run" in started)) return { ...started, expected };
      const { c, pod: podOnDocker, envDescription } = started.run;
      const uses: ProbeUse[] = [];
      for (const container of podOnDocker.podSpec.containers) {
        for (const kind of [...required, "startupProbe"] as const) {
          const probe = container[kind];
          if (probe) uses.push({ kind, container: container.name, probe });
        }
      }
      const results = [];
      for (const u of uses) results.push(await runProbe(u, c, podOnDocker.podSpec, ctx.signal));
      const bad = results.filter((r) => !r.ok);
      if (!bad.length) return { ok: true, expected, observed: `started like the pod (${envDescription}): ${results.map((r) => r.line).join("; ")}` };
      const listening = await listeningPorts(c);
      return {
        ok: false,
        expected,
        observed: `${bad.map((r) => r.line).join("; ")}${describeListening(listening)}`,
        hint: `a failing liveness probe restarts the container forever and a failing readiness probe keeps it out of the Service: point them at a path and port the app serves (server.js), in ${podOnDocker.file}`,
        details: results.map((r) => `${r.ok ? "✓" : "✗"} ${r.line}`),
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Cluster-level checks


export interface HpaOptions {
  deployment: string;
  minReplicasAtLeast?: number;
  id?: string;
  needs?: string[];
}

/** Judges the HPAs in the namespace against the Deployment. Pure. */
export function judgeHpa(hpas: V2HorizontalPodAutoscaler[], deployment: string, minAtLeast: number): Verdict {
  const expected = `a HorizontalPodAutoscaler targets Deployment ${deployment} with minReplicas ≥ ${minAtLeast}, maxReplicas > minReplicas and a cpu utilization target`;
  if (!hpas.length) {
    return {
      ok: false,
      expected,
      observed: "there is no HorizontalPodAutoscaler",
      hint: `add one (autoscaling/v2) to your manifests; \`kubectl autoscale deployment ${deployment} --cpu-percent=50 --min=2 --max=5 --dry-run=client -o yaml\` prints a start`,
    };
  }
  const mine = hpas.filter((h) => h.spec?.scaleTargetRef?.kind === "Deployment" && h.spec.scaleTargetRef.name === deployment);
  if (!mine.length) {
    const targets = hpas.map((h) => `${h.metadata?.name} → ${h.spec?.scaleTargetRef?.kind}/${h.spec?.scaleTargetRef?.name}`);
    return { ok: false, expected, observed: `no HPA targets Deployment/${deployment}: ${targets.join(", ")}`, hint: "scaleTargetRef needs kind: Deployment and the Deployment's name" };
  }
  const h = mine[0]!;
  const name = h.metadata?.name;
  const min = h.spec?.minReplicas ?? 1;
  const max = h.spec?.maxReplicas ?? 0;
  const cpu = (h.spec?.metrics ?? []).find((m) => m.type === "Resource" && m.resource?.name === "cpu");
  const problems: string[] = [];
  if (min < minAtLeast) problems.push(`minReplicas is ${min}${h.spec?.minReplicas === undefined ? " (not set, so 1)" : ""}: one pod is a single point of failure, ask for at least ${minAtLeast}`);
  if (max <= min) problems.push(`maxReplicas ${max} leaves no room to scale out above minReplicas ${min}`);
  if (!cpu) problems.push("no cpu Resource metric");
  else if (cpu.resource?.target?.type !== "Utilization" || cpu.resource.target.averageUtilization === undefined) {
    problems.push(`the cpu target is ${cpu.resource?.target?.type ?? "missing"}, not Utilization with averageUtilization`);
  }
  if (problems.length) return { ok: false, expected, observed: `HPA ${name}: ${problems.join("; ")}`, hint: "see docs/hpa.md" };
  return { ok: true, expected, observed: `HPA ${name}: ${min}–${max} replicas of Deployment/${deployment} at ${cpu!.resource!.target.averageUtilization}% cpu` };
}

/** An HPA (read back from the cluster, whatever version it was written in) targets the Deployment sensibly. */
export function hpaTargetsDeployment(opts: HpaOptions): Check {
  return {
    id: opts.id ?? "hpa-targets-deployment",
    title: `an HPA scales Deployment ${opts.deployment} on cpu utilization`,
    timeoutMs: 30_000,
    needs: opts.needs ?? ["manifests-apply"],
    requires: ["cluster"],
    async run(ctx) {
      const { kube, session } = await kubeOf(ctx);
      const list = await kube.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: session.namespace });
      return judgeHpa(list.items, opts.deployment, opts.minReplicasAtLeast ?? 2);
    },
  };
}

/** Containers without a cpu request. Pure. */
export function containersWithoutCpuRequest(containers: V1Container[]): string[] {
  return containers.filter((c) => !c.resources?.requests?.["cpu"]).map((c) => c.name);
}

/**
 * The pod the Deployment's ReplicaSet would create, as the API server would
 * store it (server-side dry run): defaulting and admission fill in requests,
 * e.g. from a cpu limit or a LimitRange, and the HPA divides by those.
 */
async function podAsAdmitted(kube: Kube, namespace: string, podSpec: V1PodSpec, signal: AbortSignal): Promise<V1Container[] | undefined> {
  const r = await kubeRequest(kube.kc, {
    method: "POST",
    path: `/api/v1/namespaces/${namespace}/pods`,
    query: { dryRun: "All" },
    body: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { generateName: "podlings-requests-" }, spec: podSpec }),
    signal,
  });
  if (r.status < 200 || r.status >= 300) return undefined;
  return (JSON.parse(r.body) as { spec?: V1PodSpec }).spec?.containers;
}

/** Every container of the Deployment's pods requests cpu (as admitted by the API server), so the HPA can compute utilization. */
export function cpuRequestsForHpa(deployment: string, options: { id?: string; needs?: string[] } = {}): Check {
  return {
    id: options.id ?? `cpu-requests-${deployment}`,
    title: `every container of ${deployment} requests CPU`,
    timeoutMs: 30_000,
    needs: options.needs ?? ["manifests-apply"],
    requires: ["cluster"],
    async run(ctx) {
      const { kube, namespace } = await kubeOf(ctx);
      const expected = `resources.requests.cpu on every container of the pods of Deployment ${deployment}`;
      let podSpec: V1PodSpec | undefined;
      try {
        podSpec = (await kube.apps.readNamespacedDeployment({ name: deployment, namespace })).spec?.template.spec;
      } catch (error) {
        return { ok: false, expected, observed: apiErrorMessage(error), hint: `is there a Deployment named ${deployment}?` };
      }
      const containers = (podSpec && (await podAsAdmitted(kube, namespace, podSpec, ctx.signal))) ?? podSpec?.containers ?? [];
      const lacking = containersWithoutCpuRequest(containers);
      if (lacking.length) {
        return {
          ok: false,
          expected,
          observed: lacking.length === 1 ? `container ${lacking[0]} has no resources.requests.cpu` : `containers ${lacking.join(", ")} have no resources.requests.cpu`,
          hint: "utilization is usage divided by the request: without cpu requests the HPA cannot compute utilization and never scales. Add `resources: { requests: { cpu: 100m } }` to each container",
        };
      }
      return { ok: true, expected, observed: containers.map((c) => `${c.name}: ${c.resources?.requests?.["cpu"]}`).join(", ") };
    },
  };
}

/** With metrics-server, the HPA reads a current cpu value (ScalingActive=True). */
export function hpaReportsMetric(opts: { deployment: string; id?: string; needs?: string[]; timeoutMs?: number }): Check {
  const timeoutMs = opts.timeoutMs ?? 240_000;
  return {
    id: opts.id ?? "hpa-reports-metric",
    title: "the HPA reports a current cpu utilization",
    timeoutMs,
    needs: opts.needs ?? ["hpa-targets-deployment", "rollout-complete"],
    requires: ["cluster+pods", "cluster+metrics"],
    async run(ctx) {
      const { kube, session } = await kubeOf(ctx);
      const expected = "ScalingActive=True and a current cpu value in `kubectl get hpa` (needs metrics-server)";
      const metricsApi = await kubeRequest(kube.kc, { method: "GET", path: "/apis/metrics.k8s.io/v1beta1", timeoutMs: 10_000, signal: ctx.signal });
      if (metricsApi.status === 404) {
        return {
          ok: false,
          expected,
          observed: `this ${session.provider} cluster serves no metrics API (metrics.k8s.io): metrics-server is not installed, so no HPA can read cpu usage`,
          hint: "install it: `kubectl apply -f clusters/metrics-server/metrics-server.yaml` (see clusters/metrics-server/README.md), then check again",
        };
      }
      const budget = timeoutMs - 10_000;
      let last = "no HPA read yet";
      try {
        const summary = await eventually(
          async () => {
            const hpa = await findHpa(kube, session.namespace, opts.deployment);
            if (!hpa) return { done: false, observed: `no HPA targets Deployment/${opts.deployment}` };
            const s = summarizeHpa(hpa);
            last = `${formatCondition(s, "ScalingActive")}; current metrics: ${s.currentMetrics.join(", ") || "none"}`;
            const active = s.conditions["ScalingActive"]?.status === "True";
            return { done: active && s.currentMetrics.some((m) => m.startsWith("cpu ")), value: s, observed: last };
          },
          { what: "the HPA to report cpu", timeoutMs: budget, intervalMs: 3000, signal: ctx.signal },
        );
        return { ok: true, expected, observed: `${summary.currentMetrics.join(", ")}; ${summary.currentReplicas} replicas` };
      } catch {
        return {
          ok: false,
          expected,
          observed: `${last} (waited ${formatDuration(budget)})`,
          hint: "FailedGetResourceMetric means no metrics: is metrics-server installed (`kubectl apply -f clusters/metrics-server/`)? \"missing request for cpu\" means a container lacks resources.requests.cpu",
        };
      }
    },
  };
}

async function findHpa(kube: Kube, namespace: string, deployment: string): Promise<V2HorizontalPodAutoscaler | undefined> {
  const list = await kube.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace });
  return list.items.find((h) => h.spec?.scaleTargetRef?.kind === "Deployment" && h.spec.scaleTargetRef.name === deployment);
}

export interface LoadOptions {
  deployment: string;
  service: string;
  port: number | string;
  /** e.g. "/burn?ms=200". */
  path: string;
  /** At most this many requests in all. */
  maxRequests?: number;
  concurrency?: number;
  id?: string;
  needs?: string[];
  timeoutMs?: number;
}

/**
 * A bounded load test: CPU-heavy requests through the Service (via the API
 * server on loopback), limited in count and time, until the HPA asks for more
 * replicas than its minimum.
 */
export function scalesOutUnderLoad(opts: LoadOptions): Check {
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const maxRequests = opts.maxRequests ?? 4000;
  const concurrency = opts.concurrency ?? 4;
  return {
    id: opts.id ?? "scales-out-under-load",
    title: `under load, the HPA scales Deployment ${opts.deployment} out`,
    timeoutMs,
    slow: true,
    needs: opts.needs ?? ["hpa-reports-metric"],
    requires: ["cluster+pods", "cluster+metrics"],
    async run(ctx) {
      const { kube, session } = await kubeOf(ctx);
      const expected = `at most ${maxRequests} requests to GET ${opts.path} make the HPA want more than its minReplicas`;
      const first = await findHpa(kube, session.namespace, opts.deployment);
      if (!first) return { ok: false, expected, observed: `no HPA targets Deployment/${opts.deployment}` };
      const min = first.spec?.minReplicas ?? 1;
      const deadline = Date.now() + timeoutMs - 15_000;
      const stop = new AbortController();
      const onAbort = () => stop.abort();
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      let sent = 0;
      let errors = 0;
      const worker = async () => {
        while (!stop.signal.aborted && sent < maxRequests && Date.now() < deadline) {
          sent++;
          try {
            const r = await serviceGet(kube.kc, session.namespace, opts.service, opts.port, opts.path, { timeoutMs: 10_000, signal: stop.signal });
            if (r.status !== 200) errors++;
          } catch {
            errors++;
          }
        }
      };
      const workers = Array.from({ length: concurrency }, worker);
      let last = "";
      let scaled: { desired: number; current: number } | undefined;
      try {
        while (!scaled && Date.now() < deadline && !ctx.signal.aborted && sent < maxRequests) {
          await sleep(5000, ctx.signal);
          const hpa = await findHpa(kube, session.namespace, opts.deployment).catch(() => undefined);
          if (!hpa) continue;
          const s = summarizeHpa(hpa);
          last = `${s.currentMetrics.join(", ") || "no metric"}; ${s.currentReplicas} current, ${s.desiredReplicas} desired replicas`;
          ctx.progress(`load: ${sent} requests sent; ${last}`);
          if (s.desiredReplicas > min) scaled = { desired: s.desiredReplicas, current: s.currentReplicas };
        }
      } finally {
        stop.abort();
        ctx.signal.removeEventListener("abort", onAbort);
        await Promise.allSettled(workers);
      }
      if (scaled) return { ok: true, expected, observed: `after ${sent} requests the HPA wants ${scaled.desired} replicas (minimum ${min}); ${last}` };
      return {
        ok: false,
        expected,
        observed: `after ${sent} requests (${errors} failed) the HPA still wants ${min}: ${last || "no status"}`,
        hint: "a lower averageUtilization or a smaller cpu request makes the same load count for more",
      };
    },
  };
}

