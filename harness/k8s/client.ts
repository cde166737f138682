// One KubeConfig per kubeconfig file, the typed API clients built from it, and a
// small raw request for what the typed clients do not offer (server-side apply
// with field validation, the service proxy, discovery).
import https from "node:https";
import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
} from "@kubernetes/client-node";

export interface Kube {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  discovery: DiscoveryV1Api;
  autoscaling: AutoscalingV2Api;
}

const clients = new Map<string, Kube>();

/** The clients for a kubeconfig file (as in `ClusterSession.kubeconfigPath`), built once. */
export function kubeFor(kubeconfigPath: string): Kube {
  let kube = clients.get(kubeconfigPath);
  if (!kube) {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    kube = {
      kc,
      core: kc.makeApiClient(CoreV1Api),
      apps: kc.makeApiClient(AppsV1Api),
      discovery: kc.makeApiClient(DiscoveryV1Api),
      autoscaling: kc.makeApiClient(AutoscalingV2Api),
    };
    clients.set(kubeconfigPath, kube);
  }
  return kube;
}

export interface RawRequest {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** e.g. "/apis/apps/v1/namespaces/x/deployments/y". */
  path: string;
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  body: string;
}

/** A request to the API server with the kubeconfig's credentials; never throws on an HTTP status. */
export async function kubeRequest(kc: KubeConfig, request: RawRequest): Promise<RawResponse> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig has no current cluster");
  const url = new URL(cluster.server.replace(/\/+$/, "") + request.path);
  for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  const options: https.RequestOptions = {
    method: request.method,
    headers: {
      Accept: "application/json",
      ...(request.body !== undefined ? { "Content-Type": request.contentType ?? "application/json" } : {}),
    },
  };
  await kc.applyToHTTPSOptions(options);
  const timeoutMs = request.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ...options, signal: request.signal, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url.pathname} within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(request.body);
  });
}

/** The API server's own message from a failed call (a Status object), or the error's message. */
export function apiErrorMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const status = parseStatus(error.body);
    if (status?.message) return status.message;
    return `HTTP ${error.code}: ${typeof error.body === "string" ? error.body : error.message}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** HTTP status of a failed typed call, if it came from the API server. */
export function apiErrorCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

export interface Status {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: Array<{ reason?: string; message?: string; field?: string }> };
}

/** A Status body, whether it is still JSON text or already parsed. */
export function parseStatus(body: unknown): Status | undefined {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (value && typeof value === "object" && "message" in value) return value as Status;
  return undefined;
}
