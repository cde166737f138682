// The Docker half of the check vocabulary. Each builder returns a Check that
// reads like its line in the exercise README.
import path from "node:path";
import type { Check, CheckContext, Verdict } from "../types.ts";
import { buildImage } from "../docker/build.ts";
import { containerLogs, lastLines } from "../docker/logs.ts";
import { containerState, removeContainer, runContainer } from "../docker/run.ts";
import { eventually, formatDuration, sleep } from "../eventually.ts";
import { httpRequest, snippet, type HttpReply } from "../http.ts";
import { containsCurrentDate } from "../dates.ts";
import { containerName, getContainer, getImage, imageTag, setContainer, setImage } from "./state.ts";

export interface ImageBuildsOptions {
  /** Name the image is known by in this exercise (default "app"). */
  name?: string;
  /** Build context, relative to the exercise folder (default "."). */
  context?: string;
  dockerfile?: string;
  id?: string;
}

export function imageBuilds(opts: ImageBuildsOptions = {}): Check {
  const name = opts.name ?? "app";
  const context = opts.context ?? ".";
  const where = context === "." ? "Dockerfile" : `${context}/Dockerfile`;
  return {
    id: opts.id ?? (name === "app" ? "image-builds" : `image-builds-${name}`),
    title: `image builds from ${where}`,
    timeoutMs: 5 * 60_000,
    requires: ["docker"],
    async run(ctx) {
      const tag = imageTag(ctx, name);
      ctx.defer(async () => {
        const { docker } = await import("../docker/client.ts");
        await docker().getImage(tag).remove({ force: true }).catch(() => undefined);
      });
      const r = await buildImage(path.join(ctx.dir, context), {
        tag,
        labels: ctx.labels,
        dockerfile: opts.dockerfile,
        signal: ctx.signal,
        onProgress: (line) => ctx.progress(`building ${name}: ${line}`),
      });
      if (!r.ok) {
        return {
          ok: false,
          expected: `docker build succeeds for ${where}`,
          observed: r.failedStep ? `failed at ${r.failedStep}: ${r.error}` : `build failed: ${r.error}`,
          hint: baseImageUnavailable(r.failedStep, r.error)
            ? "the base image could not be pulled: check its name and tag; with no registry reachable, run `npx podlings offline` (docs/offline.md)"
            : `read the build log below, fix ${where}, and try \`docker build -t ${name} ${context}\` by hand`,
          details: lastLines(r.log.join("\n"), 12),
        };
      }
      setImage(ctx, name, tag);
      return { ok: true, expected: "the image builds", observed: `built ${tag} in ${r.log.filter((l) => l.startsWith("Step ")).length} steps` };
    },
  };
}

/** A FROM step that failed because the image could not be fetched (not a learner's typo in RUN). */
export function baseImageUnavailable(step: string | undefined, error: string | undefined): boolean {
  return /^Step \d+\/\d+ : FROM /i.test(step ?? "") && /registry|pull access denied|manifest unknown|not found|no such host|dial tcp|timeout/i.test(error ?? "");
}

export interface ContainerStaysUpOptions {
  image?: string;
  /** Name of the container in this exercise (default: the image name). */
  name?: string;
  ports?: number[];
  env?: Record<string, string>;
  seconds?: number;
  id?: string;
  network?: string;
  aliases?: string[];
  needs?: string[];
}

/** Starts the container (confined) and expects it still running after a few seconds. */
export function containerStaysUp(opts: ContainerStaysUpOptions = {}): Check {
  const image = opts.image ?? "app";
  const name = opts.name ?? image;
  const seconds = opts.seconds ?? 5;
  return {
    id: opts.id ?? (name === "app" ? "container-stays-up" : `${name}-stays-up`),
    title: `${name === "app" ? "container" : name} stays up for ${seconds} s`,
    timeoutMs: (seconds + 30) * 1000,
    needs: opts.needs ?? [image === "app" ? "image-builds" : `image-builds-${image}`],
    requires: ["docker"],
    async run(ctx) {
      const network = opts.network ? (ctx.state.get(`network:${opts.network}`) as string | undefined) : undefined;
      const c = await runContainer({
        image: getImage(ctx, image),
        name: containerName(ctx, name),
        labels: ctx.labels,
        ports: opts.ports ?? [8080],
        env: opts.env,
        network,
        aliases: opts.aliases,
      });
      ctx.defer(() => removeContainer(c.id));
      setContainer(ctx, name, c);
      await sleep(seconds * 1000, ctx.signal);
      const s = await containerState(c.id);
      if (s.running && !s.restarting) {
        return { ok: true, expected: `running after ${seconds} s`, observed: `running since ${s.startedAt}` };
      }
      const logs = errorFirst(await containerLogs(c.id));
      return {
        ok: false,
        expected: `the container is still running after ${seconds} s`,
        observed: s.oomKilled
          ? `killed for using more than its memory limit`
          : `exited with code ${s.exitCode}${s.error ? ` (${s.error})` : ""}`,
        hint: "the last lines of `docker logs` are below; the app must keep a process in the foreground",
        details: logs,
      };
    },
  };
}

/** The first error-looking lines (the cause), then the last lines (the context). */
export function errorFirst(logs: string, n = 8): string[] {
  const lines = logs.split("\n").filter((l) => l.trim() !== "");
  const errors = lines.filter((l) => /\b\w*(Error|Exception)\b|\berror:|ERR!/i.test(l) && !/^\s+at /.test(l)).slice(0, 2);
  const tail = lines.slice(-n).filter((l) => !errors.includes(l));
  return [...errors, ...(errors.length ? ["..."] : []), ...tail.slice(-(n - errors.length))];
}

export interface BodyMatcher {
  describe: string;
  test(body: string): boolean;
}

export const currentDate = (): BodyMatcher => ({ describe: "today's date", test: (b) => containsCurrentDate(b) });
export const text = (t: string): BodyMatcher => ({ describe: JSON.stringify(t), test: (b) => b.includes(t) });
export const matching = (re: RegExp, describe: string): BodyMatcher => ({ describe, test: (b) => re.test(b) });

export interface HttpGetOptions {
  container?: string;
  port?: number;
  id?: string;
  /** How long the app may take to start answering. */
  timeoutMs?: number;
  needs?: string[];
}

export class HttpGetCheck implements Check {
  id: string;
  title: string;
  timeoutMs: number;
  needs: string[];
  requires = ["docker" as const];
  readonly path: string;
  readonly opts: HttpGetOptions;
  status = 200;
  matchers: BodyMatcher[] = [];

  constructor(urlPath: string, opts: HttpGetOptions = {}) {
    this.path = urlPath;
    this.opts = opts;
    const container = opts.container ?? "app";
    this.id = opts.id ?? `get-${urlPath.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "root"}`;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.needs = opts.needs ?? [container === "app" ? "container-stays-up" : `${container}-stays-up`];
    this.title = "";
    this.retitle();
  }

  private retitle(): void {
    const body = this.matchers.length ? ` with ${this.matchers.map((m) => m.describe).join(" and ")}` : "";
    this.title = `GET ${this.path} returns ${this.status}${body}`;
  }

  returns(status: number): this {
    this.status = status;
    this.retitle();
    return this;
  }

  bodyHas(m: BodyMatcher): this {
    this.matchers.push(m);
    this.retitle();
    return this;
  }

  judge(reply: HttpReply): Verdict {
    const expected = this.title.replace(/^GET /, "GET ");
    if (reply.status !== this.status) {
      return { ok: false, expected, observed: `status ${reply.status}, body: ${snippet(reply.body)}` };
    }
    const missing = this.matchers.filter((m) => !m.test(reply.body));
    if (missing.length) {
      return { ok: false, expected, observed: `status ${reply.status}, but the body lacks ${missing.map((m) => m.describe).join(" and ")}: ${snippet(reply.body)}` };
    }
    return { ok: true, expected, observed: `status ${reply.status}: ${snippet(reply.body)}` };
  }

  async run(ctx: CheckContext): Promise<Verdict> {
    const container = getContainer(ctx, this.opts.container ?? "app");
    const port = this.opts.port ?? 8080;
    const url = `http://127.0.0.1:${container.hostPort(port)}${this.path}`;
    const budget = this.timeoutMs - 2000;
    // While the app starts, connection errors are expected: keep trying. Once it
    // answers, give a wrong answer only a short grace before judging it.
    const grace = 3000;
    let firstReply: number | undefined;
    let last: Verdict | undefined;
    const t0 = Date.now();
    try {
      return await eventually(
        async () => {
          const r = await httpRequest(url, { timeoutMs: 3000 });
          if (r.ok) firstReply ??= Date.now();
          last = r.ok
            ? this.judge(r.reply)
            : { ok: false, expected: this.title, observed: `${r.error} on container port ${port}` };
          const settled = firstReply !== undefined && Date.now() - firstReply >= grace;
          return { done: last.ok, value: last, observed: last.observed, stop: !last.ok && settled };
        },
        { what: `${this.title}`, timeoutMs: budget, intervalMs: 500, signal: ctx.signal },
      );
    } catch {
      const v = last ?? { ok: false, expected: this.title, observed: "no reply" };
      return {
        ...v,
        observed: `${v.observed} (kept trying for ${formatDuration(Math.min(budget, Date.now() - t0))}${firstReply ? "" : `, limit ${formatDuration(budget)}`})`,
        hint: `try \`curl -i localhost:<port>${this.path}\` against \`docker run -p <port>:${port}\`, and read \`docker logs\``,
      };
    }
  }
}

export const httpGet = (urlPath: string, opts?: HttpGetOptions) => new HttpGetCheck(urlPath, opts);

export interface LogsHaveNoOptions {
  container?: string;
  /** Requests to send while watching the logs. */
  requestPath?: string;
  port?: number;
  seconds?: number;
  id?: string;
  needs?: string[];
  /** How the title names what must not appear (default: "errors"). */
  describe?: string;
}

/** Sends requests for a few seconds, then expects no line of the logs to match. */
export function logsHaveNo(pattern: RegExp, opts: LogsHaveNoOptions = {}): Check {
  const name = opts.container ?? "app";
  const seconds = opts.seconds ?? 6;
  return {
    id: opts.id ?? "logs-clean",
    title: `logs show no ${opts.describe ?? "errors"} during ${seconds} s of requests`,
    timeoutMs: (seconds + 20) * 1000,
    needs: opts.needs ?? [name === "app" ? "container-stays-up" : `${name}-stays-up`],
    requires: ["docker"],
    async run(ctx) {
      const c = getContainer(ctx, name);
      const url = `http://127.0.0.1:${c.hostPort(opts.port ?? 8080)}${opts.requestPath ?? "/"}`;
      const until = Date.now() + seconds * 1000;
      let sent = 0;
      while (Date.now() < until && !ctx.signal.aborted) {
        await httpRequest(url, { timeoutMs: 2000 });
        sent++;
        await sleep(300, ctx.signal);
      }
      const logs = await containerLogs(c.id);
      const bad = logs.split("\n").filter((l) => pattern.test(l));
      if (bad.length) {
        return {
          ok: false,
          expected: `no log line matches /${pattern.source}/ while the app serves ${sent} requests`,
          observed: `${bad.length} matching line(s), first: ${snippet(bad[0]!, 160)}`,
          hint: `run \`docker logs <container>\`: the line names the error and usually the file and line`,
          details: bad.slice(0, 3),
        };
      }
      return { ok: true, expected: `no /${pattern.source}/ in the logs`, observed: `${sent} requests, ${logs.split("\n").length} log lines, none matching` };
    },
  };
}
