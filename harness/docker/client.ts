// One dockerode client for the process, and the single place that decides
// whether Docker is reachable and what to tell the learner when it is not.
import Docker from "dockerode";
import { EngineUnavailableError, messageOf } from "../errors.ts";
import { withTimeout } from "../eventually.ts";

let client: Docker | undefined;

export function docker(): Docker {
  client ??= new Docker();
  return client;
}

function socketDescription(): string {
  return process.env.DOCKER_HOST ?? "/var/run/docker.sock";
}

/** Pings the engine; throws EngineUnavailableError with one clear line when it is down. */
export async function ensureDocker(timeoutMs = 5000): Promise<Docker> {
  const d = docker();
  try {
    await withTimeout("Docker to answer a ping", timeoutMs, () => d.ping());
    return d;
  } catch (err) {
    throw new EngineUnavailableError(
      `Docker is not running (no answer from ${socketDescription()}: ${shortReason(err)}).`,
      "Start Docker Desktop or dockerd; on a Debian/Ubuntu machine as root, `npm run setup` installs and starts it.",
    );
  }
}

function shortReason(err: unknown): string {
  const m = messageOf(err);
  if (/ENOENT/.test(m)) return "socket not found";
  if (/ECONNREFUSED/.test(m)) return "connection refused";
  if (/EACCES/.test(m)) return "permission denied; is your user in the docker group?";
  return m.split("\n")[0]!.slice(0, 120);
}
