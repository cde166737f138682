// A real registry (the registry:2 image) for one check run: confined like any
// container, published on 127.0.0.1 with a random port, labelled for cleanup.
// With `auth`, it asks for a login (htpasswd, bcrypt), so a wrong password
// really fails, as it would on Docker Hub.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { docker } from "../docker/client.ts";
import { removeContainer, runContainer } from "../docker/run.ts";
import { containerLogs, lastLines } from "../docker/logs.ts";
import { LearnerFacingError } from "../errors.ts";
import { eventually, formatDuration } from "../eventually.ts";
import { pingRegistry, type RegistryAuth, type RegistryEndpoint } from "./api.ts";
import { bcrypt } from "./bcrypt.ts";

export const REGISTRY_IMAGE = "registry:2";
/** How long the registry may take to answer GET /v2/ after its container starts. */
export const REGISTRY_READY_TIMEOUT_MS = 30_000;

export interface LocalRegistry extends RegistryEndpoint {
  port: number;
  containerId: string;
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  name: string;
  labels: Record<string, string>;
  auth?: RegistryAuth;
  signal?: AbortSignal;
}

export async function startLocalRegistry(opts: LocalRegistryOptions): Promise<LocalRegistry> {
  try {
    await docker().getImage(REGISTRY_IMAGE).inspect();
  } catch {
    throw new LearnerFacingError(
      `The image ${REGISTRY_IMAGE} is not available locally; podlings runs a local registry from it.`,
      `Run \`docker pull ${REGISTRY_IMAGE}\` (or \`podlings offline\` without internet access).`,
    );
  }
  let authDir: string | undefined;
  const env: Record<string, string> = {};
  const binds: string[] = [];
  if (opts.auth) {
    authDir = mkdtempSync(path.join(tmpdir(), "podlings-registry-auth-"));
    writeFileSync(path.join(authDir, "htpasswd"), `${opts.auth.username}:${bcrypt(opts.auth.password)}\n`, { mode: 0o644 });
    binds.push(`${authDir}:/auth:ro`);
    env.REGISTRY_AUTH = "htpasswd";
    env.REGISTRY_AUTH_HTPASSWD_REALM = "podlings";
    env.REGISTRY_AUTH_HTPASSWD_PATH = "/auth/htpasswd";
  }
  const c = await runContainer({
    image: REGISTRY_IMAGE,
    name: opts.name,
    labels: opts.labels,
    ports: [5000],
    env,
    binds,
  });
  const port = c.hostPort(5000);
  const host = `127.0.0.1:${port}`;
  const stop = async () => {
    await removeContainer(c.id);
    if (authDir) rmSync(authDir, { recursive: true, force: true });
  };
  const expected = opts.auth ? 401 : 200;
  try {
    await eventually(
      async () => {
        const status = await pingRegistry({ host });
        return { done: status === expected, observed: status === undefined ? "no answer" : `GET /v2/ → ${status}` };
      },
      { what: `the local registry on ${host} to answer GET /v2/ with ${expected}`, timeoutMs: REGISTRY_READY_TIMEOUT_MS, intervalMs: 200, signal: opts.signal },
    );
  } catch (err) {
    const logs = await containerLogs(c.id).catch(() => "");
    await stop();
    throw new Error(
      `the local registry did not start within ${formatDuration(REGISTRY_READY_TIMEOUT_MS)} (${(err as Error).message}); its last log lines: ${lastLines(logs, 3).join(" / ")}`,
    );
  }
  return { host, port, auth: opts.auth, containerId: c.id, stop };
}
