// Runs a CLI (kind, docker, kubectl, the local scripts) to completion. Providers
// only talk to their tools through this, so tests can put a fake on PATH.
import { spawn } from "node:child_process";
import type { ExecResult } from "../types.ts";

export interface CommandOptions {
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, then stdin is closed. */
  input?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with each chunk of output, e.g. to show progress of a long build. */
  onOutput?: (chunk: string) => void;
}

/** Thrown when the executable itself is missing (ENOENT), so callers can say how to install it. */
export class CommandNotFoundError extends Error {
  readonly command: string;
  constructor(command: string) {
    super(`${command}: command not found`);
    this.name = "CommandNotFoundError";
    this.command = command;
  }
}

export function runCommand(command: string, args: string[], options: CommandOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      signal: options.signal,
      timeout: options.timeoutMs,
      killSignal: "SIGTERM",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      options.onOutput?.(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      options.onOutput?.(chunk);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") reject(new CommandNotFoundError(command));
      else reject(error);
    });
    child.on("close", (code, signal) => {
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on("error", () => {
      // The tool may exit before reading stdin; its exit code tells the story.
    });
    child.stdin.end(options.input ?? "");
  });
}

/** The last lines of a command's output, for an error message. */
export function tail(result: ExecResult, lines = 8): string {
  const text = `${result.stdout}\n${result.stderr}`.trim();
  return text.split("\n").slice(-lines).join("\n");
}
