// HTTP to a Service through the API server's service proxy
// (/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH). Only meaningful where
// pods really run; on the kwok control plane nothing listens behind the pods.
import type { KubeConfig } from "@kubernetes/client-node";
import { kubeRequest, parseStatus } from "./client.ts";

export const SERVICE_HTTP_TIMEOUT_MS = 10_000;

export interface ServiceReply {
  status: number;
  body: string;
  /** The API server answered instead of the app (no endpoints, connection refused, ...). */
  proxyError?: string;
}

export async function serviceGet(
  kc: KubeConfig,
  namespace: string,
  service: string,
  port: number | string,
  path: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ServiceReply> {
  const tail = path.startsWith("/") ? path : `/${path}`;
  const reply = await kubeRequest(kc, {
    method: "GET",
    path: `/api/v1/namespaces/${namespace}/services/${encodeURIComponent(service)}:${port}/proxy${tail}`,
    timeoutMs: options.timeoutMs ?? SERVICE_HTTP_TIMEOUT_MS,
    signal: options.signal,
  });
  return { ...reply, proxyError: proxyError(reply.status, reply.body) };
}

/**
 * When the proxy itself fails, the API server answers with a Status object (503
 * "no endpoints available for service", 502 "error trying to reach service").
 * An app's own 503 is not a Status. Pure.
 */
export function proxyError(status: number, body: string): string | undefined {
  if (status < 500) return undefined;
  const parsed = parseStatus(body);
  return parsed && parsed.kind === "Status" ? parsed.message : undefined;
}
