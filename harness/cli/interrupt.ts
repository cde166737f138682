// Ctrl-C: the first one aborts the running checks, whose cleanup then runs;
// a second one removes everything of this process by label and exits at once.
import { removeByLabel } from "../docker/cleanup.ts";
import { PID } from "../docker/labels.ts";

export function interruptible(): AbortSignal {
  const ctl = new AbortController();
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      console.error(`\npodlings: ${sig} received: stopping and cleaning up (press Ctrl-C again to force)`);
      ctl.abort();
      return;
    }
    void removeByLabel((l) => l[PID] === String(process.pid))
      .catch(() => undefined)
      .finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return ctl.signal;
}
