// Every Docker object podlings creates carries these labels, so cleanup can find
// it after a crash or Ctrl-C, and concurrent runs never touch each other's objects.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

export const MANAGED = "podlings.dev/managed";
export const RUN = "podlings.dev/run";
export const PID = "podlings.dev/pid";
export const HOST = "podlings.dev/host";

export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
}

export function runLabels(runId: string): Record<string, string> {
  return { [MANAGED]: "true", [RUN]: runId, [PID]: String(process.pid), [HOST]: hostname() };
}
