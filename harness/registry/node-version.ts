// `node --version` inside an image, the way the image really runs: in a running
// container (exec), or in a one-off confined container whose entrypoint is
// replaced, so an image with ENTRYPOINT ["node"] cannot turn it into `node node --version`.
import { docker } from "../docker/client.ts";
import { demux } from "../docker/logs.ts";
import { execIn, hostConfig, removeContainer } from "../docker/run.ts";
import { formatDuration } from "../eventually.ts";

export const NODE_VERSION_TIMEOUT_MS = 20_000;

export interface NodeVersionProbe {
  ok: boolean;
  /** "v24.11.1" when ok; otherwise what the command printed or why it could not run. */
  output: string;
}

export async function nodeVersionInContainer(containerId: string): Promise<NodeVersionProbe> {
  const r = await execIn(containerId, ["node", "--version"], NODE_VERSION_TIMEOUT_MS);
  return { ok: r.exitCode === 0, output: r.output.trim() || `exit code ${r.exitCode}` };
}

export async function nodeVersionInImage(image: string, name: string, labels: Record<string, string>): Promise<NodeVersionProbe> {
  let container;
  try {
    container = await docker().createContainer({
      Image: image,
      name,
      Labels: labels,
      Entrypoint: ["node"],
      Cmd: ["--version"],
      HostConfig: hostConfig({ image, name, labels }),
    });
  } catch (err) {
    return { ok: false, output: `could not create a container from ${image}: ${(err as Error).message}` };
  }
  try {
    await container.start().catch((err: Error) => {
      throw new Error(/executable file not found|no such file/i.test(err.message) ? "there is no `node` on the image's PATH" : err.message);
    });
    const waited = container.wait() as Promise<{ StatusCode: number }>;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`\`node --version\` did not finish within ${formatDuration(NODE_VERSION_TIMEOUT_MS)}`)), NODE_VERSION_TIMEOUT_MS);
    });
    const r = await Promise.race([waited, timeout]).finally(() => clearTimeout(timer));
    const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    const output = demux(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))).trim();
    return { ok: r.StatusCode === 0, output: output || `exit code ${r.StatusCode}` };
  } catch (err) {
    return { ok: false, output: (err as Error).message };
  } finally {
    await removeContainer(container.id);
  }
}
