// One bounded wait for the whole harness. Every wait names its timeout and the
// last thing it saw, so a failure reads "waited 30 s for X; last seen: Y".

export class TimeoutError extends Error {
  readonly timeoutMs: number;
  readonly lastObserved: string;
  constructor(what: string, timeoutMs: number, lastObserved: string) {
    super(`waited ${formatDuration(timeoutMs)} for ${what}; last seen: ${lastObserved}`);
    this.name = "TimeoutError";
    this.timeoutMs = timeoutMs;
    this.lastObserved = lastObserved;
  }
}

export interface Attempt<T> {
  /** Set when the condition holds. */
  done: boolean;
  value?: T;
  /** What was observed on this attempt, for the timeout message. */
  observed: string;
  /** Stop waiting now: the answer is final and wrong. eventually() throws GaveUpError. */
  stop?: boolean;
}

export class GaveUpError extends Error {
  constructor(what: string, observed: string) {
    super(`stopped waiting for ${what}: ${observed}`);
    this.name = "GaveUpError";
  }
}

export interface EventuallyOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

/** Polls `attempt` until it reports done, or throws TimeoutError with the last observation. */
export async function eventually<T>(attempt: () => Promise<Attempt<T>>, opts: EventuallyOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 250;
  let last = "nothing yet";
  for (;;) {
    if (opts.signal?.aborted) throw new TimeoutError(opts.what, opts.timeoutMs, `${last} (aborted)`);
    try {
      const a = await attempt();
      last = a.observed;
      if (a.done) return a.value as T;
      if (a.stop) throw new GaveUpError(opts.what, a.observed);
    } catch (err) {
      if (err instanceof GaveUpError) throw err;
      last = err instanceof Error ? err.message : String(err);
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new TimeoutError(opts.what, opts.timeoutMs, last);
    await sleep(Math.min(interval, left), opts.signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 120) return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
  return `${Math.round(s / 60)} min`;
}

/** Runs `work` with a hard deadline; the signal passed in is aborted on timeout. */
export async function withTimeout<T>(
  what: string,
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
  outer?: AbortSignal,
): Promise<T> {
  const ctl = new AbortController();
  const onOuter = () => ctl.abort();
  outer?.addEventListener("abort", onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first: work that ends on abort must not win the race.
      reject(new TimeoutError(what, timeoutMs, "still running when the time ran out"));
      ctl.abort();
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(ctl.signal), timeout]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onOuter);
  }
}
