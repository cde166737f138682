// One bash process for a whole job, as on Travis: every command is `eval`ed in
// the same shell, so `cd`, `export` and `set -e` carry over from one command to
// the next, and an `exit` ends the job. Output is masked line by line before
// anyone (log, progress, report) sees it.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { killGroup } from "../registry/script.ts";
import { formatDuration } from "../eventually.ts";
import type { Masker } from "./mask.ts";

export interface CommandOutcome {
  exitCode: number;
  /** The shell is gone (the command ran `exit`, or it was killed): nothing more can run. */
  ended: boolean;
  timedOut: boolean;
}

export interface ShellSession {
  run(command: string): Promise<CommandOutcome>;
  setEnv(name: string, value: string): Promise<void>;
  close(): void;
}

export interface ShellOptions {
  cwd: string;
  env: Record<string, string>;
  /** The most one command may take. */
  commandTimeoutMs: number;
  masker: Masker;
  /** Every line of output, masked. */
  onLine(line: string): void;
  signal?: AbortSignal;
}

export function quoteForShell(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function openShell(opts: ShellOptions): ShellSession {
  const nonce = randomBytes(8).toString("hex");
  const marker = `__podlings_done_${nonce}__`;
  const child: ChildProcessWithoutNullStreams = spawn("bash", ["--noprofile", "--norc"], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let exited = false;
  let pending = "";
  let waiter: ((o: CommandOutcome) => void) | undefined;

  const emit = (line: string) => opts.onLine(opts.masker.mask(line));
  const onData = (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const at = line.indexOf(marker);
      if (at >= 0) {
        if (at > 0) emit(line.slice(0, at));
        const code = Number(line.slice(at + marker.length).trim());
        const w = waiter;
        waiter = undefined;
        w?.({ exitCode: Number.isFinite(code) ? code : 1, ended: false, timedOut: false });
      } else {
        emit(line);
      }
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  child.stdin.on("error", () => undefined);
  child.on("close", (code) => {
    exited = true;
    if (pending) emit(pending);
    pending = "";
    const w = waiter;
    waiter = undefined;
    w?.({ exitCode: code ?? 1, ended: true, timedOut: false });
  });
  const abort = () => killGroup(child.pid);
  opts.signal?.addEventListener("abort", abort, { once: true });

  const send = (script: string) => {
    if (!exited) child.stdin.write(script);
  };
  // One stream, in the order the shell wrote it; the end-of-command marker goes there too.
  send("exec 2>&1\n");

  return {
    run(command: string): Promise<CommandOutcome> {
      if (exited) return Promise.resolve({ exitCode: 1, ended: true, timedOut: false });
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          emit(`podlings: the command did not finish within ${formatDuration(opts.commandTimeoutMs)}; stopped`);
          waiter = undefined;
          killGroup(child.pid);
          resolve({ exitCode: 124, ended: true, timedOut: true });
        }, opts.commandTimeoutMs);
        waiter = (o) => {
          clearTimeout(timer);
          resolve(o);
        };
        // The command text travels in a quoted here-document and is eval'ed, as
        // travis_cmd does: a syntax error fails this command, not the whole shell.
        const eof = `__podlings_eof_${nonce}__`;
        send(
          `__podlings_cmd=$(cat <<'${eof}'\n${command}\n${eof}\n)\n` +
            `eval "$__podlings_cmd" </dev/null\n` +
            `printf '%s%s\\n' '${marker}' "$?"\n`,
        );
      });
    },
    async setEnv(name: string, value: string): Promise<void> {
      send(`export ${name}=${quoteForShell(value)}\n`);
    },
    close() {
      opts.signal?.removeEventListener("abort", abort);
      if (!exited) child.stdin.end();
      killGroup(child.pid);
    },
  };
}
