// Running a command in a pod's container (kubectl exec), bounded by a timeout.
import { PassThrough } from "node:stream";
import { Exec } from "@kubernetes/client-node";
import type { V1Status } from "@kubernetes/client-node";
import type { ExecResult } from "../types.ts";
import type { Kube } from "./client.ts";

export const EXEC_TIMEOUT_MS = 30_000;

export async function execInPod(
  kube: Kube,
  namespace: string,
  pod: string,
  command: string[],
  options: { container?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  let container = options.container;
  if (!container) {
    const found = await kube.core.readNamespacedPod({ name: pod, namespace });
    container = found.spec?.containers[0]?.name ?? "";
  }
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
  stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
  const timeoutMs = options.timeoutMs ?? EXEC_TIMEOUT_MS;

  return new Promise<ExecResult>((resolve, reject) => {
    let socket: { close(): void } | undefined;
    const timer = setTimeout(() => {
      socket?.close();
      reject(new Error(`${command.join(" ")} in pod ${pod} did not finish within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onStatus = (status: V1Status) => {
      clearTimeout(timer);
      resolve({ exitCode: exitCodeOf(status), stdout: out, stderr: err });
    };
    new Exec(kube.kc)
      .exec(namespace, pod, container, command, stdout, stderr, null, false, onStatus)
      .then((ws) => (socket = ws))
      .catch((error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
  });
}

/** The exit code from exec's final Status: Success is 0, NonZeroExitCode carries the code. Pure. */
export function exitCodeOf(status: V1Status): number {
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : 1;
}
