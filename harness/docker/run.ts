// Runs learner code confined: memory, CPU and process limits, no privileges, no
// host environment, and ports published on 127.0.0.1 only.
import type Docker from "dockerode";
import { docker } from "./client.ts";

export interface RunSpec {
  image: string;
  name: string;
  labels: Record<string, string>;
  /** Container ports to publish on 127.0.0.1 (random host ports). */
  ports?: number[];
  /** Only these variables reach the container, besides the image's own. */
  env?: Record<string, string>;
  cmd?: string[];
  network?: string;
  aliases?: string[];
  memoryMb?: number;
  cpus?: number;
  pids?: number;
  /** Bind mounts "host:container[:ro]", only for harness-owned files (e.g. a throwaway config). */
  binds?: string[];
}

export interface RunningContainer {
  id: string;
  name: string;
  /** Host port on 127.0.0.1 for a published container port. */
  hostPort(port: number): number;
}

export const DEFAULT_LIMITS = { memoryMb: 256, cpus: 1, pids: 256 };

export function hostConfig(spec: RunSpec): Docker.HostConfig {
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of spec.ports ?? []) bindings[`${p}/tcp`] = [{ HostIp: "127.0.0.1", HostPort: "" }];
  return {
    PortBindings: bindings,
    Memory: (spec.memoryMb ?? DEFAULT_LIMITS.memoryMb) * 1024 * 1024,
    MemorySwap: (spec.memoryMb ?? DEFAULT_LIMITS.memoryMb) * 1024 * 1024,
    NanoCpus: Math.round((spec.cpus ?? DEFAULT_LIMITS.cpus) * 1e9),
    PidsLimit: spec.pids ?? DEFAULT_LIMITS.pids,
    Privileged: false,
    CapDrop: ["ALL"],
    // What ordinary images need to start: drop to a service user, own files, bind low ports.
    CapAdd: ["CHOWN", "SETUID", "SETGID", "FOWNER", "DAC_OVERRIDE", "NET_BIND_SERVICE", "KILL"],
    SecurityOpt: ["no-new-privileges"],
    NetworkMode: spec.network ?? "bridge",
    Binds: spec.binds,
    Init: true,
  };
}

export async function runContainer(spec: RunSpec): Promise<RunningContainer> {
  const exposed: Record<string, object> = {};
  for (const p of spec.ports ?? []) exposed[`${p}/tcp`] = {};
  const container = await docker().createContainer({
    Image: spec.image,
    name: spec.name,
    Labels: spec.labels,
    Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
    Cmd: spec.cmd,
    ExposedPorts: exposed,
    HostConfig: hostConfig(spec),
    NetworkingConfig: spec.network
      ? { EndpointsConfig: { [spec.network]: { Aliases: spec.aliases ?? [] } } }
      : undefined,
  });
  await container.start();
  const info = await container.inspect();
  const ports = info.NetworkSettings.Ports ?? {};
  return {
    id: container.id,
    name: spec.name,
    hostPort(port: number): number {
      const b = ports[`${port}/tcp`]?.[0];
      if (!b) throw new Error(`container ${spec.name} does not publish port ${port}`);
      return Number(b.HostPort);
    },
  };
}

export interface ContainerState {
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  restarting: boolean;
  startedAt: string;
  finishedAt: string;
  error: string;
}

export async function containerState(id: string): Promise<ContainerState> {
  const s = (await docker().getContainer(id).inspect()).State;
  return {
    running: s.Running,
    exitCode: s.ExitCode,
    oomKilled: s.OOMKilled,
    restarting: s.Restarting,
    startedAt: s.StartedAt,
    finishedAt: s.FinishedAt,
    error: s.Error,
  };
}

export async function removeContainer(id: string): Promise<void> {
  await docker().getContainer(id).remove({ force: true, v: true }).catch(() => undefined);
}

/** Runs a command in a running container and returns its exit code and output. */
export async function execIn(id: string, cmd: string[], timeoutMs = 30_000): Promise<{ exitCode: number; output: string }> {
  const { demux } = await import("./logs.ts");
  const exec = await docker().getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`\`${cmd.join(" ")}\` did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => { clearTimeout(t); resolve(); });
    stream.on("error", (e: Error) => { clearTimeout(t); reject(e); });
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, output: demux(Buffer.concat(chunks)) };
}

/** Runs a one-off container to completion (confined like any other) and returns its output. */
export async function runToCompletion(spec: RunSpec, timeoutMs: number): Promise<{ exitCode: number; output: string }> {
  const { containerLogs } = await import("./logs.ts");
  const c = await runContainer(spec);
  try {
    const waited = docker().getContainer(c.id).wait() as Promise<{ StatusCode: number }>;
    const timer = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`container ${spec.name} did not exit within ${timeoutMs / 1000} s`)), timeoutMs),
    );
    const r = await Promise.race([waited, timer]);
    return { exitCode: r.StatusCode, output: await containerLogs(c.id) };
  } finally {
    await removeContainer(c.id);
  }
}
