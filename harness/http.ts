// HTTP probes with a bounded time and a readable account of what went wrong.
import { messageOf } from "./errors.ts";

export interface HttpReply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export type HttpOutcome = { ok: true; reply: HttpReply } | { ok: false; error: string };

export async function httpRequest(
  url: string,
  opts: { timeoutMs?: number; method?: string; headers?: Record<string, string> } = {},
): Promise<HttpOutcome> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  try {
    const res = await fetch(url, {
      method: opts.method ?? "GET",
      headers: opts.headers,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
    });
    const body = await res.text();
    return { ok: true, reply: { status: res.status, body, headers: Object.fromEntries(res.headers) } };
  } catch (err) {
    return { ok: false, error: describeFetchError(err, timeoutMs) };
  }
}

export function describeFetchError(err: unknown, timeoutMs: number): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? "";
  if (/TimeoutError|aborted/i.test(messageOf(err)) || (err as Error)?.name === "TimeoutError")
    return `no answer within ${timeoutMs / 1000} s`;
  if (code === "ECONNREFUSED") return "connection refused (nothing listens on that port)";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "connection closed before a reply (nothing listens inside the container on that port, or the app crashed)";
  if (code) return `${code}: ${cause?.message ?? ""}`.trim();
  return messageOf(err);
}

export function snippet(body: string, max = 120): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat || "(empty body)";
}
