// The registry half of the check vocabulary: a learner's script publishes an
// image to a real local registry, and the checks read the registry's v2 API
// and run what it serves. Reads like the exercise README:
//
//   scriptPublishes("push.sh", { repository: "simple-node" }),
//   pushedOnlyToRunRegistry(),
//   registryHasVersionTag("simple-node"),
//   digestMatchesLocalImage(),
//   pulledImageServes("/health"),
//   nodeIsSupportedLts(),
import { existsSync } from "node:fs";
import path from "node:path";
import type { Check, CheckContext, Verdict } from "../types.ts";
import { docker } from "../docker/client.ts";
import { RUN } from "../docker/labels.ts";
import { lastLines, containerLogs } from "../docker/logs.ts";
import { removeContainer, runContainer, type RunningContainer } from "../docker/run.ts";
import { eventually, formatDuration } from "../eventually.ts";
import { httpRequest, snippet } from "../http.ts";
import { judgeNodeMajor, parseNodeMajor, supportedLtsMajors } from "../node-lts.ts";
import { describeContents, getManifest, listAll, type ManifestInfo } from "../registry/api.ts";
import type { ShimRecord } from "../registry/docker-shim.ts";
import { startLocalRegistry, type LocalRegistry } from "../registry/local.ts";
import { nodeVersionInContainer, nodeVersionInImage } from "../registry/node-version.ts";
import { pullImage } from "../registry/pull.ts";
import { parseRef, sameRegistry } from "../registry/reference.ts";
import { createSandbox, hideLabelSteps } from "../registry/sandbox.ts";
import { runScript } from "../registry/script.ts";
import { containerName } from "./state.ts";

/** How long the learner's script may take: a build (npm install) and a push. */
export const PUBLISH_TIMEOUT_MS = 4 * 60_000;
export const PULL_TIMEOUT_MS = 2 * 60_000;
/** How long the pulled app may take to answer. */
export const SERVE_TIMEOUT_MS = 30_000;

/** What one run of the learner's publish script left behind, shared with the later checks. */
export interface PublishRun {
  script: string;
  registry: LocalRegistry;
  namespace: string;
  version: string;
  repository: string;
  exitCode: number;
  timedOut: boolean;
  output: string;
  records: ShimRecord[];
  manifest?: ManifestInfo;
  pulled?: { ref: string; container: RunningContainer };
}

const KEY = "registry:publish";

function publishRun(ctx: CheckContext): PublishRun | undefined {
  return ctx.state.get(KEY) as PublishRun | undefined;
}

/** "127.0.0.1:PORT/NAMESPACE/REPO:VERSION": the reference the exercise asks for. */
export function expectedRef(run: PublishRun): string {
  return `${run.registry.host}/${run.namespace}/${run.repository}:${run.version}`;
}

function noRun(script: string): Verdict {
  return {
    ok: false,
    expected: `${script} ran (it publishes the image)`,
    observed: `${script} did not run in this check run`,
    hint: "see the first check's message",
  };
}

function pushes(run: PublishRun): ShimRecord[] {
  return run.records.filter((r) => r.command === "push");
}

function describePushes(run: PublishRun): string {
  const p = pushes(run);
  if (!p.length) return `${run.script} ran no \`docker push\``;
  return `${run.script} ran \`docker push\` for ${p.map((r) => `${r.ref}${r.allowed ? (r.exitCode === 0 ? "" : ` (failed, exit ${r.exitCode})`) : " (refused)"}`).join(", ")}`;
}

/** Same registry, repository and tag ("latest" when none is written). */
function sameImageRef(a: string, b: string): boolean {
  const x = parseRef(a);
  const y = parseRef(b);
  return sameRegistry(x.registry, y.registry) && x.path === y.path && (x.tag ?? "latest") === (y.tag ?? "latest");
}

/** Per-run names a learner's script must use: $NAMESPACE and $VERSION change every run. */
export function runNames(runId: string): { namespace: string; version: string } {
  const n = parseInt(runId.slice(-4), 16);
  const safe = Number.isFinite(n) ? n : 0;
  return { namespace: `learner-${runId.slice(-4).toLowerCase()}`, version: `1.${safe % 10}.${safe % 97}` };
}

export interface ScriptPublishesOptions {
  /** The repository name under $NAMESPACE, e.g. "simple-node". */
  repository: string;
  id?: string;
  timeoutMs?: number;
}

/** Starts a local registry, runs the learner's script with REGISTRY, NAMESPACE and VERSION, and expects exit 0. */
export function scriptPublishes(script: string, opts: ScriptPublishesOptions): Check {
  const timeoutMs = opts.timeoutMs ?? PUBLISH_TIMEOUT_MS;
  return {
    id: opts.id ?? "push-script-runs",
    title: `${script} builds, tags and pushes the image (exit 0)`,
    timeoutMs: timeoutMs + 60_000,
    requires: ["docker"],
    async run(ctx) {
      const file = path.join(ctx.dir, script);
      if (!existsSync(file)) {
        return {
          ok: false,
          expected: `a script ${script} in the exercise folder`,
          observed: `there is no ${script}`,
          hint: `restore it with \`podlings reset ${ctx.exercise.id}\``,
        };
      }
      ctx.progress("starting a local registry");
      const registry = await startLocalRegistry({ name: containerName(ctx, "registry"), labels: ctx.labels, signal: ctx.signal });
      ctx.defer(() => registry.stop());
      const sandbox = createSandbox({ mode: "guard", registry: registry.host, labels: ctx.labels });
      ctx.defer(() => sandbox.dispose());
      const { namespace, version } = runNames(ctx.runId);
      const env = sandbox.env({ REGISTRY: registry.host, NAMESPACE: namespace, VERSION: version });
      const r = await runScript(["bash", script], {
        cwd: ctx.dir,
        env,
        timeoutMs,
        signal: ctx.signal,
        onLine: (l) => ctx.progress(`${script}: ${l}`),
      });
      const run: PublishRun = {
        script,
        registry,
        namespace,
        version,
        repository: opts.repository,
        exitCode: r.exitCode,
        timedOut: r.timedOut,
        output: hideLabelSteps(r.output),
        records: sandbox.records(),
      };
      ctx.state.set(KEY, run);
      const vars = `REGISTRY=${registry.host} NAMESPACE=${namespace} VERSION=${version}`;
      if (r.exitCode === 0) {
        return { ok: true, expected: `${script} exits 0`, observed: `exit 0 after ${formatDuration(r.durationMs)} with ${vars}; ${describePushes(run)}` };
      }
      const refused = run.records.find((x) => !x.allowed);
      return {
        ok: false,
        expected: `\`${vars} bash ${script}\` builds, tags and pushes, and exits 0`,
        observed: r.timedOut
          ? `still running after ${formatDuration(timeoutMs)}; stopped`
          : `exit ${r.exitCode}${refused ? `: podlings refused \`docker ${refused.command} ${refused.ref}\` (${refused.reason})` : ""}`,
        hint: refused
          ? `push to the run's registry only: tag the image "$REGISTRY/$NAMESPACE/${opts.repository}:$VERSION" and push that`
          : `run it by hand against a local registry (see the README) and read the output below`,
        details: lastLines(run.output, 12),
      };
    },
  };
}

/** Every push and login of the script went to the run's registry; nothing to Docker Hub or elsewhere. */
export function pushedOnlyToRunRegistry(opts: { id?: string } = {}): Check {
  return {
    id: opts.id ?? "pushed-only-to-run-registry",
    title: "nothing is pushed anywhere but $REGISTRY (never Docker Hub)",
    timeoutMs: 5000,
    requires: ["docker"],
    async run(ctx) {
      const run = publishRun(ctx);
      if (!run) return noRun("the publish script");
      const refused = run.records.filter((r) => !r.allowed);
      if (refused.length) {
        return {
          ok: false,
          expected: `every \`docker push\` names ${run.registry.host} (the $REGISTRY of this run)`,
          observed: refused.map((r) => `\`docker ${r.command} ${r.ref}\` ${r.reason}`).join("; "),
          hint: `a name without a registry host, like "${run.repository}:latest", means Docker Hub; prefix it with "$REGISTRY/$NAMESPACE/"`,
        };
      }
      return {
        ok: true,
        expected: `pushes only to ${run.registry.host}`,
        observed: pushes(run).length ? describePushes(run) : "no pushes at all (nothing went elsewhere)",
      };
    },
  };
}

/** The registry lists NAMESPACE/REPO with the tag VERSION (latest may exist too). */
export function registryHasVersionTag(repository: string, opts: { id?: string } = {}): Check {
  return {
    id: opts.id ?? "registry-has-version-tag",
    title: `the registry lists $NAMESPACE/${repository}:$VERSION`,
    timeoutMs: 20_000,
    requires: ["docker"],
    async run(ctx) {
      const run = publishRun(ctx);
      if (!run) return noRun("the publish script");
      const want = `${run.namespace}/${repository}`;
      const all = await listAll(run.registry);
      const tags = all[want] ?? [];
      if (tags.includes(run.version)) {
        run.manifest = await getManifest(run.registry, want, run.version);
        return { ok: true, expected: `${want}:${run.version}`, observed: `the registry lists ${want} with tags ${tags.join(", ")}` };
      }
      const found = describeContents(all);
      let hint: string;
      if (tags.length) {
        hint = `tag the image with "$VERSION" too, not only ${tags.join(", ")}: a moving tag like latest does not say which build it is`;
      } else if (Object.keys(all).some((r) => r.endsWith(`/${repository}`) || r === repository)) {
        hint = `use "$NAMESPACE" (here ${run.namespace}) as the first part of the name, not a fixed one`;
      } else {
        hint = `push "$REGISTRY/$NAMESPACE/${repository}:$VERSION"; ${describePushes(run)}`;
      }
      return {
        ok: false,
        expected: `the registry lists ${run.registry.host}/${want}:${run.version}`,
        observed: `it holds ${found}`,
        hint,
      };
    },
  };
}

/** The manifest the registry serves for the tag is the image the script built and pushed. */
export function digestMatchesLocalImage(opts: { id?: string; needs?: string[] } = {}): Check {
  return {
    id: opts.id ?? "digest-matches-local-image",
    title: "the registry's manifest is the image you built (same digest)",
    timeoutMs: 20_000,
    needs: opts.needs ?? ["registry-has-version-tag"],
    requires: ["docker"],
    async run(ctx) {
      const run = publishRun(ctx);
      if (!run?.manifest) return noRun("the publish script");
      const ref = expectedRef(run);
      const repo = `${run.registry.host}/${run.namespace}/${run.repository}`;
      const byDigest = `${repo}@${run.manifest.digest}`;
      const pushed = run.records.filter((r) => r.command === "push" && r.exitCode === 0 && r.imageId && r.target && sameImageRef(r.target, ref)).at(-1);
      const local = pushed?.imageId
        ? { Id: pushed.imageId, RepoDigests: pushed.repoDigests }
        : await docker().getImage(ref).inspect().catch(() => undefined);
      if (!local) {
        const any = await docker().getImage(byDigest).inspect().catch(() => undefined);
        return any
          ? { ok: true, expected: `a local image with digest ${run.manifest.digest}`, observed: `${byDigest} is local image ${any.Id.slice(0, 19)}` }
          : {
              ok: false,
              expected: `the local image ${ref} has the digest the registry serves (${run.manifest.digest})`,
              observed: `there is no local image ${ref}, and none with that digest`,
              hint: `keep the tagged image after pushing; push exactly what you built`,
            };
      }
      const repoDigests = local.RepoDigests ?? [];
      const sameConfig = !run.manifest.configDigest || run.manifest.configDigest === local.Id;
      if (repoDigests.includes(byDigest) && sameConfig) {
        return {
          ok: true,
          expected: `manifest digest of ${ref} = the pushed local image's digest`,
          observed: `${run.manifest.digest.slice(0, 19)}… on both sides (local image ${local.Id.slice(0, 19)}…)`,
        };
      }
      return {
        ok: false,
        expected: `the registry's ${ref} is the local image ${local.Id.slice(0, 19)}… (its digest ${run.manifest.digest.slice(0, 19)}… in RepoDigests)`,
        observed: `local RepoDigests: ${repoDigests.join(", ") || "none"}; registry config digest: ${run.manifest.configDigest ?? "unknown"}`,
        hint: "the tag was re-pointed after the push: build, tag, then push the same tag, in that order",
      };
    },
  };
}

/** Pulls NAMESPACE/REPO@digest from the registry into a fresh container and expects the app to answer. */
export function pulledImageServes(urlPath: string, opts: { id?: string; port?: number; needs?: string[] } = {}): Check {
  const port = opts.port ?? 8080;
  return {
    id: opts.id ?? "pulled-image-serves",
    title: `the image pulled from the registry runs and GET ${urlPath} returns 200`,
    timeoutMs: PULL_TIMEOUT_MS + SERVE_TIMEOUT_MS + 30_000,
    needs: opts.needs ?? ["registry-has-version-tag"],
    requires: ["docker"],
    async run(ctx) {
      const run = publishRun(ctx);
      if (!run?.manifest) return noRun("the publish script");
      const ref = `${run.registry.host}/${run.namespace}/${run.repository}@${run.manifest.digest}`;
      // Remove this run's local copy first, so the pull really downloads from the registry.
      const local = await docker().getImage(expectedRef(run)).inspect().catch(() => undefined);
      if (local?.Config?.Labels?.[RUN] === ctx.runId) await docker().getImage(local.Id).remove({ force: true }).catch(() => undefined);
      ctx.progress(`pulling ${ref}`);
      const pulled = await pullImage(ref, { timeoutMs: PULL_TIMEOUT_MS, auth: run.registry.auth, signal: ctx.signal });
      if (!pulled.ok) {
        return { ok: false, expected: `docker pull ${ref} succeeds`, observed: pulled.error ?? "pull failed", hint: "push every layer: push again and watch for errors" };
      }
      ctx.defer(() => docker().getImage(ref).remove({ force: true }).then(() => undefined, () => undefined));
      const c = await runContainer({ image: ref, name: containerName(ctx, "pulled"), labels: ctx.labels, ports: [port] });
      ctx.defer(() => removeContainer(c.id));
      run.pulled = { ref, container: c };
      const url = `http://127.0.0.1:${c.hostPort(port)}${urlPath}`;
      let last = "no reply yet";
      try {
        const reply = await eventually(
          async () => {
            const r = await httpRequest(url, { timeoutMs: 3000 });
            last = r.ok ? `status ${r.reply.status}: ${snippet(r.reply.body)}` : r.error;
            return { done: r.ok && r.reply.status === 200, value: last, observed: last };
          },
          { what: `GET ${urlPath}`, timeoutMs: SERVE_TIMEOUT_MS, intervalMs: 500, signal: ctx.signal },
        );
        return {
          ok: true,
          expected: `GET ${urlPath} → 200 from the pulled image`,
          observed: `pulled ${ref.replace(/@sha256:(.{12}).*/, "@sha256:$1…")} (${pulled.downloadedLayers} layer(s) downloaded); ${reply}`,
        };
      } catch {
        return {
          ok: false,
          expected: `GET ${urlPath} on container port ${port} returns 200 within ${formatDuration(SERVE_TIMEOUT_MS)}`,
          observed: last,
          hint: "run the image by hand (`docker run -p 8080:8080 …`) and read `docker logs`",
          details: lastLines(await containerLogs(c.id).catch(() => ""), 8),
        };
      }
    },
  };
}

/** `node --version` in the published image (or, when nothing was published, the image the script built) is a supported LTS. */
export function nodeIsSupportedLts(opts: { id?: string; today?: () => Date } = {}): Check {
  return {
    id: opts.id ?? "node-is-supported-lts",
    title: "the image runs a supported Node.js LTS",
    timeoutMs: 60_000,
    requires: ["docker"],
    async run(ctx) {
      const today = opts.today?.() ?? new Date();
      const lts = supportedLtsMajors(today).join(", ");
      const run = publishRun(ctx);
      if (!run) return noRun("the publish script");
      let probe;
      let judged: string;
      if (run.pulled) {
        probe = await nodeVersionInContainer(run.pulled.container.id);
        judged = `the pulled image ${run.namespace}/${run.repository}:${run.version}`;
      } else {
        const built = run.records.filter((r) => r.command === "build" && r.exitCode === 0).flatMap((r) => r.tags ?? []).at(-1);
        if (!built) {
          return {
            ok: false,
            expected: `an image to judge (Node ${lts} is supported today)`,
            observed: `${run.script} built no image with \`docker build -t …\`, and nothing was pulled from the registry`,
            hint: `let ${run.script} build the image: docker build -t ${run.repository} .`,
          };
        }
        probe = await nodeVersionInImage(built, containerName(ctx, "node-version"), ctx.labels);
        judged = `${built} (built by ${run.script}; nothing was pulled from the registry)`;
      }
      const major = probe.ok ? parseNodeMajor(probe.output) : undefined;
      if (major === undefined) {
        return {
          ok: false,
          expected: `\`node --version\` works in the image (Node ${lts} is supported today)`,
          observed: `in ${judged}: ${snippet(probe.output, 160)}`,
          hint: "base the image on an official node image, e.g. FROM node:24-alpine",
        };
      }
      const j = judgeNodeMajor(major, today);
      const verdict = {
        expected: `the Node major is a supported LTS line today (${lts})`,
        observed: `\`node --version\` says ${probe.output} in ${judged}: ${j.reason}`,
      };
      return j.ok
        ? { ok: true, ...verdict }
        : { ok: false, ...verdict, hint: `change FROM in the Dockerfile to a supported LTS line (${lts}), e.g. node:lts-alpine or a pinned node:<major>-alpine, then build and push again` };
    },
  };
}
