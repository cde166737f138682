// Engine-backed tests need Docker. On a fresh Debian/Ubuntu machine as root (or
// with PODLINGS_PROVISION=1) we provision it the way .ci/run does; elsewhere we
// fail loudly with one line saying what to install. Nothing is skipped.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { PACKAGE_ROOT } from "../../harness/exercises.ts";
import { ensureDocker } from "../../harness/docker/client.ts";
import { removeStale } from "../../harness/docker/cleanup.ts";

export default async function setup(): Promise<void> {
  try {
    await ensureDocker();
  } catch (err) {
    const canProvision = process.getuid?.() === 0 || process.env.PODLINGS_PROVISION === "1";
    if (!canProvision) throw err;
    const r = spawnSync("bash", [path.join(PACKAGE_ROOT, "harness/setup/all.sh"), "--offline"], { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`provisioning Docker failed (harness/setup/all.sh exited ${r.status})`);
    await ensureDocker();
  }
  await removeStale();
}
