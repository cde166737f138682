// The place learner scripts run in: a throwaway HOME and DOCKER_CONFIG (so no
// login of the host is used or changed), a `docker` shim first on PATH, and a
// minimal environment instead of the host's.
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EngineUnavailableError } from "../errors.ts";
import { parseRecords, type ShimConfig, type ShimMode, type ShimRecord } from "./docker-shim.ts";

const SHIM_MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "docker-shim-main.ts");
const SYSTEM_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

export interface Sandbox {
  root: string;
  /** Environment for learner commands: minimal, plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** What the shim saw: pushes, logins, builds, refusals. */
  records(): ShimRecord[];
  dispose(): void;
}

export interface SandboxOptions {
  mode: ShimMode;
  /** The run's registry, "127.0.0.1:PORT". */
  registry: string;
  /** Labels for images the learner builds (cleanup by label). */
  labels: Record<string, string>;
}

let realDockerPath: string | undefined;
let dockerHost: string | undefined | null;

/** The real docker CLI on the host's PATH. */
export function findRealDocker(searchPath = process.env.PATH ?? ""): string {
  if (realDockerPath) return realDockerPath;
  for (const dir of [...searchPath.split(path.delimiter), ...SYSTEM_PATH]) {
    if (!dir) continue;
    const candidate = path.join(dir, "docker");
    try {
      accessSync(candidate, constants.X_OK);
      realDockerPath = candidate;
      return candidate;
    } catch {
      /* keep looking */
    }
  }
  throw new EngineUnavailableError(
    "The docker CLI is not on PATH: learner scripts call `docker`, and podlings forwards to it.",
    "Install the Docker CLI (it comes with Docker Desktop or the docker.io / docker-ce-cli package).",
  );
}

/** Where the host's docker CLI talks to, so a throwaway DOCKER_CONFIG still finds the engine. */
function hostDockerEndpoint(realDocker: string): string | undefined {
  if (process.env.DOCKER_HOST) return process.env.DOCKER_HOST;
  if (dockerHost !== undefined) return dockerHost ?? undefined;
  const r = spawnSync(realDocker, ["context", "inspect", "--format", "{{.Endpoints.docker.Host}}"], {
    encoding: "utf8",
    timeout: 5000,
  });
  const host = r.status === 0 ? r.stdout.trim() : "";
  dockerHost = host || null;
  return host || undefined;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function createSandbox(opts: SandboxOptions): Sandbox {
  const realDocker = findRealDocker();
  const root = mkdtempSync(path.join(tmpdir(), "podlings-sandbox-"));
  const bin = path.join(root, "bin");
  const home = path.join(root, "home");
  const dockerConfig = path.join(root, "docker-config");
  for (const d of [bin, home, dockerConfig]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(dockerConfig, "config.json"), "{}\n");
  const recordFile = path.join(root, "records.jsonl");
  writeFileSync(recordFile, "");
  const cfg: ShimConfig = { realDocker, mode: opts.mode, registry: opts.registry, recordFile, buildLabels: opts.labels };
  const cfgFile = path.join(root, "shim.json");
  writeFileSync(cfgFile, JSON.stringify(cfg, null, 2));
  const wrapper = path.join(bin, "docker");
  writeFileSync(
    wrapper,
    `#!/bin/sh\n# podlings: docker, guarded (see harness/registry/docker-shim.ts)\nexec ${quote(process.execPath)} --disable-warning=ExperimentalWarning ${quote(SHIM_MAIN)} ${quote(cfgFile)} -- "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const endpoint = hostDockerEndpoint(realDocker);
  const pathDirs = [bin, path.dirname(process.execPath), ...SYSTEM_PATH].filter((d, i, all) => all.indexOf(d) === i);

  return {
    root,
    env(extra = {}) {
      const env: Record<string, string> = {
        PATH: pathDirs.join(path.delimiter),
        HOME: home,
        DOCKER_CONFIG: dockerConfig,
        LANG: "C.UTF-8",
        TERM: "dumb",
        // No "What's next" advertising in the middle of a learner's log.
        DOCKER_CLI_HINTS: "false",
        ...extra,
      };
      if (endpoint) env.DOCKER_HOST = endpoint;
      return env;
    },
    records: () => parseRecords(readFileSync(recordFile, "utf8")),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * Hides the LABEL steps the shim adds to `docker build` (legacy builder: one
 * step and three lines each), so a learner's log shows their own steps only.
 */
export function hideLabelSteps(text: string): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of text.split("\n")) {
    if (/^Step \d+\/\d+ : LABEL podlings\.dev\//.test(line)) {
      skipping = true;
      continue;
    }
    if (skipping && /^\s*(---> |Removing intermediate container)/.test(line)) continue;
    skipping = false;
    out.push(line);
  }
  return out.join("\n");
}
