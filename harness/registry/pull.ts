// Pulls an image reference through the engine, as `docker pull` does, and
// counts the layers it really downloaded (0 means every layer was already local).
import { docker } from "../docker/client.ts";
import { formatDuration } from "../eventually.ts";
import type { RegistryAuth } from "./api.ts";

export interface PullResult {
  ok: boolean;
  downloadedLayers: number;
  error?: string;
}

interface PullEvent {
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

export async function pullImage(ref: string, opts: { timeoutMs: number; auth?: RegistryAuth; signal?: AbortSignal }): Promise<PullResult> {
  const d = docker();
  let downloaded = 0;
  let error: string | undefined;
  const authconfig = opts.auth ? { username: opts.auth.username, password: opts.auth.password, serveraddress: ref.split("/")[0] } : undefined;
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await d.pull(ref, { authconfig, abortSignal: opts.signal })) as NodeJS.ReadableStream;
  } catch (err) {
    return { ok: false, downloadedLayers: 0, error: (err as Error).message };
  }
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    d.modem.followProgress(
      stream,
      (err: Error | null) => {
        if (err && !error) error = err.message;
        resolve();
      },
      (e: PullEvent) => {
        if (e.status === "Pull complete") downloaded++;
        if (e.error) error = e.errorDetail?.message ?? e.error;
      },
    );
  });
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      error ??= `the pull did not finish within ${formatDuration(opts.timeoutMs)}`;
      (stream as unknown as { destroy?: () => void }).destroy?.();
      resolve();
    }, opts.timeoutMs);
  });
  await Promise.race([done, timeout]);
  clearTimeout(timer);
  return { ok: !error, downloadedLayers: downloaded, error };
}
