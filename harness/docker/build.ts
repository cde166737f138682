// Builds an image from a directory through the engine's build API, keeping the
// real build log: when a step fails the learner sees which step and its last lines.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import tar from "tar-fs";
import { docker } from "./client.ts";

export interface BuildOptions {
  tag: string;
  labels: Record<string, string>;
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface BuildResult {
  ok: boolean;
  tag: string;
  imageId?: string;
  /** The whole log, one entry per line. */
  log: string[];
  /** "Step 4/7 : RUN npm install" when a step failed. */
  failedStep?: string;
  error?: string;
}

interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

const ALWAYS_IGNORED = ["node_modules", ".git"];

/** Patterns from .dockerignore, plus what is never sent (node_modules, .git). */
export function ignorePatterns(dir: string): string[] {
  const file = path.join(dir, ".dockerignore");
  const own = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#") && !l.startsWith("!"))
        .map((l) => l.replace(/^\/+|\/+$/g, ""))
    : [];
  return [...ALWAYS_IGNORED, ...own];
}

export function isIgnored(relative: string, patterns: string[]): boolean {
  const rel = relative.split(path.sep).join("/");
  return patterns.some(
    (p) => rel === p || rel.startsWith(`${p}/`) || path.posix.matchesGlob(rel, p) || path.posix.matchesGlob(rel, `${p}/**`),
  );
}

export async function buildImage(dir: string, opts: BuildOptions): Promise<BuildResult> {
  const patterns = ignorePatterns(dir);
  const context = tar.pack(dir, {
    ignore: (name) => isIgnored(path.relative(dir, name), patterns),
  });
  const log: string[] = [];
  let currentStep: string | undefined;
  let failedStep: string | undefined;
  let error: string | undefined;
  let imageId: string | undefined;

  const stream: NodeJS.ReadableStream = await docker().buildImage(context as unknown as NodeJS.ReadableStream, {
    t: opts.tag,
    labels: opts.labels,
    dockerfile: opts.dockerfile ?? "Dockerfile",
    buildargs: opts.buildArgs,
    rm: true,
    forcerm: true,
    abortSignal: opts.signal,
  } as Record<string, unknown>);

  await new Promise<void>((resolve) => {
    docker().modem.followProgress(
      stream,
      (err: Error | null) => {
        if (err && !error) error = err.message;
        resolve();
      },
      (event: BuildEvent) => {
        const text = event.stream ?? event.status;
        if (text) {
          for (const line of text.split("\n")) {
            if (!line.trim()) continue;
            log.push(line);
            if (/^Step \d+\/\d+ : /.test(line)) {
              currentStep = line;
              opts.onProgress?.(line);
            }
          }
        }
        if (event.aux?.ID) imageId = event.aux.ID;
        if (event.error) {
          error = event.errorDetail?.message ?? event.error;
          failedStep = currentStep;
          log.push(error);
        }
      },
    );
  });
  const ok = !error && !opts.signal?.aborted;
  return { ok, tag: opts.tag, imageId, log, failedStep, error: error ?? (opts.signal?.aborted ? "build cancelled" : undefined) };
}
