// Cleanup by label: at the end of a run, on Ctrl-C, and for leftovers of runs
// whose process is gone (found at the next start).
import { hostname } from "node:os";
import { docker } from "./client.ts";
import { HOST, MANAGED, PID, RUN } from "./labels.ts";

export interface CleanupReport {
  containers: number;
  networks: number;
  images: number;
  volumes: number;
}

type Labelled = { Labels?: Record<string, string> | null };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** An object is stale when the process that made it (on this host) is gone. */
export function isStale(labels: Record<string, string> | null | undefined, host = hostname()): boolean {
  if (!labels || labels[MANAGED] !== "true") return false;
  if (labels[HOST] && labels[HOST] !== host) return false;
  const pid = Number(labels[PID]);
  return !Number.isInteger(pid) || pid <= 0 || !isAlive(pid);
}

export async function removeByLabel(select: (labels: Record<string, string>) => boolean): Promise<CleanupReport> {
  const d = docker();
  const filter = { label: [`${MANAGED}=true`] };
  const report: CleanupReport = { containers: 0, networks: 0, images: 0, volumes: 0 };
  const pick = (o: Labelled) => select(o.Labels ?? {});

  for (const c of (await d.listContainers({ all: true, filters: filter })).filter(pick)) {
    await d.getContainer(c.Id).remove({ force: true, v: true }).then(() => report.containers++, () => undefined);
  }
  for (const n of (await d.listNetworks({ filters: filter })).filter(pick)) {
    await d.getNetwork(n.Id).remove().then(() => report.networks++, () => undefined);
  }
  for (const i of (await d.listImages({ filters: filter })).filter(pick)) {
    await d.getImage(i.Id).remove({ force: true }).then(() => report.images++, () => undefined);
  }
  const vols = (await d.listVolumes({ filters: filter })).Volumes ?? [];
  for (const v of vols.filter(pick)) {
    await d.getVolume(v.Name).remove().then(() => report.volumes++, () => undefined);
  }
  return report;
}

export const removeRun = (runId: string) => removeByLabel((l) => l[RUN] === runId);
export const removeStale = () => removeByLabel((l) => isStale(l));
export const removeAll = () => removeByLabel(() => true);
