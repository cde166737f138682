// Runs a learner's script to completion with a hard deadline: its own process
// group (so a timeout also stops the docker commands it started), stdout and
// stderr interleaved as a terminal would show them.
import { spawn } from "node:child_process";
import { formatDuration } from "../eventually.ts";

export interface ScriptRun {
  exitCode: number;
  /** stdout and stderr, interleaved, at most the last `maxOutput` characters. */
  output: string;
  timedOut: boolean;
  durationMs: number;
}

export interface ScriptOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  maxOutput?: number;
  onLine?(line: string): void;
}

export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    /* already gone */
  }
}

export function runScript(command: string[], opts: ScriptOptions): Promise<ScriptRun> {
  const started = Date.now();
  const max = opts.maxOutput ?? 200_000;
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    let pending = "";
    let timedOut = false;
    const take = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output = (output + text).slice(-max);
      if (opts.onLine) {
        pending += text;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const l of lines) if (l.trim()) opts.onLine(l);
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    const stop = () => killGroup(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      output += `\npodlings: stopped after ${formatDuration(opts.timeoutMs)} (the time limit)\n`;
      stop();
    }, opts.timeoutMs);
    opts.signal?.addEventListener("abort", stop, { once: true });
    let finished = false;
    const finish = (exitCode: number) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", stop);
      // The script is done; stop anything it left running in its group.
      stop();
      resolve({ exitCode, output, timedOut, durationMs: Date.now() - started });
    };
    child.on("error", (err) => {
      output += `podlings: could not start ${command[0]}: ${err.message}\n`;
      finish(127);
    });
    child.on("close", (code, signal) => finish(code ?? (signal ? 128 + 9 : 1)));
  });
}
