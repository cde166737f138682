// Runs a .travis.yml job locally, the way Travis would, against a local
// registry standing in for Docker Hub:
//
// - each run works on its own copy of the exercise, in one bash session, with a
//   minimal environment: Travis's own variables, the file's `env`, and the
//   DOCKER_USERNAME / DOCKER_PASSWORD a learner would set in the Travis settings;
// - `services: docker` decides whether docker works at all: without it the
//   `docker` shim fails like a CLI without a daemon, as on Travis;
// - with it, the shim sends `docker login` and Docker Hub pushes
//   (`user/simple-node`) to the run's registry, which checks the password
//   (htpasswd), so a wrong one really fails;
// - the injected password is masked as [secure] in every line of the log.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { listAll } from "../registry/api.ts";
import type { ShimRecord } from "../registry/docker-shim.ts";
import { startLocalRegistry } from "../registry/local.ts";
import { createSandbox, hideLabelSteps } from "../registry/sandbox.ts";
import { createMasker } from "./mask.ts";
import { runJob, type JobResult } from "./phases.ts";
import { openShell } from "./shell.ts";
import { BUILD_BRANCH, type TravisJob } from "./travis-file.ts";

/** The most one command of the job may take (Travis stops a job after 10 min without output). */
export const COMMAND_TIMEOUT_MS = 4 * 60_000;

export interface Credentials {
  username: string;
  password: string;
}

/**
 * Credentials for one run: what a learner would type into the Travis settings.
 * 24 characters, a multiple of 3: the base64 of the password then appears
 * unchanged inside the base64 of anything that starts with it (`echo` adds a
 * newline), so the leak scan finds `echo "$DOCKER_PASSWORD" | base64` too.
 */
export function newCredentials(): Credentials {
  return { username: "podlings-learner", password: randomBytes(18).toString("base64url") };
}

export interface PipelineOptions {
  /** The exercise folder to build; the run works on a copy. */
  dir: string;
  job: TravisJob;
  credentials: Credentials;
  /** Name for the registry container (unique per run). */
  registryName: string;
  labels: Record<string, string>;
  /** Change the copy before the job runs (e.g. make the tests fail). */
  prepare?(copy: string): void;
  commandTimeoutMs?: number;
  signal?: AbortSignal;
  onLine?(line: string): void;
}

export interface PipelineRun {
  result: JobResult;
  /** The job log, masked. */
  log: string[];
  dockerService: boolean;
  /** "127.0.0.1:PORT" (empty without the docker service). */
  registryHost: string;
  /** What reached the registry: { "user/simple-node": ["latest"] }. */
  registryContents: Record<string, string[]>;
  records: ShimRecord[];
  /** How many times the password had to be masked. */
  masked: number;
}

export function travisEnv(buildDir: string): Record<string, string> {
  return {
    CI: "true",
    TRAVIS: "true",
    CONTINUOUS_INTEGRATION: "true",
    TRAVIS_BUILD_DIR: buildDir,
    TRAVIS_BRANCH: BUILD_BRANCH,
    TRAVIS_PULL_REQUEST: "false",
    TRAVIS_EVENT_TYPE: "push",
    TRAVIS_OS_NAME: "linux",
    TRAVIS_BUILD_NUMBER: "1",
    TRAVIS_JOB_NUMBER: "1.1",
    // Keep npm off the network for advice it would fetch (audit, funding, updates).
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
  };
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineRun> {
  const copy = mkdtempSync(path.join(tmpdir(), "podlings-travis-"));
  cpSync(opts.dir, copy, { recursive: true, filter: (src) => path.basename(src) !== "node_modules" });
  opts.prepare?.(copy);
  const dockerService = opts.job.services.includes("docker");
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(copy, { recursive: true, force: true })];
  try {
    const registry = dockerService
      ? await startLocalRegistry({ name: opts.registryName, labels: opts.labels, auth: opts.credentials, signal: opts.signal })
      : undefined;
    if (registry) cleanups.push(() => registry.stop());
    const sandbox = createSandbox({
      mode: dockerService ? "hub-to-local" : "no-daemon",
      registry: registry?.host ?? "127.0.0.1:0",
      labels: opts.labels,
    });
    cleanups.push(() => sandbox.dispose());

    // Settings variables first, then the file's `env`, which overrides them (as on Travis).
    const env = sandbox.env({
      ...travisEnv(copy),
      DOCKER_USERNAME: opts.credentials.username,
      DOCKER_PASSWORD: opts.credentials.password,
      ...opts.job.env,
    });
    const masker = createMasker([opts.credentials.password]);
    const log: string[] = [];
    const write = (line: string) => {
      const masked = masker.mask(line);
      log.push(masked);
      opts.onLine?.(masked);
    };
    const shell = openShell({
      cwd: copy,
      env,
      commandTimeoutMs: opts.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
      masker,
      onLine: (l) => {
        log.push(l);
        opts.onLine?.(l);
      },
      signal: opts.signal,
    });
    cleanups.push(() => shell.close());
    const result = await runJob(
      opts.job,
      { run: (c) => shell.run(c), setEnv: (k, v) => shell.setEnv(k, v), log: write },
      { hasFile: (rel) => existsSync(path.join(copy, rel)) },
    );
    const registryContents = registry ? await listAll(registry) : {};
    return {
      result,
      log: hideLabelSteps(log.join("\n")).split("\n"),
      dockerService,
      registryHost: registry?.host ?? "",
      registryContents,
      records: sandbox.records(),
      masked: masker.count,
    };
  } finally {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch {
        /* best effort; leftovers are removed by label */
      }
    }
  }
}

export const FORCED_FAILURE_FILE = "podlings-forced-failure.test.cjs";

/**
 * Makes the copy's tests fail, whichever way the pipeline runs them: a failing
 * test file that `node --test` discovers, also appended to `npm test`.
 */
export function forceTestFailure(copy: string): void {
  writeFileSync(
    path.join(copy, FORCED_FAILURE_FILE),
    [
      "// Written by podlings for the run that checks nothing is pushed when the tests fail.",
      'const test = require("node:test");',
      'const assert = require("node:assert");',
      'test("podlings makes this build\'s tests fail on purpose", () => {',
      '  assert.fail("forced failure: this build must not push an image");',
      "});",
      "",
    ].join("\n"),
  );
  const pkgFile = path.join(copy, "package.json");
  if (!existsSync(pkgFile)) return;
  try {
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { scripts?: Record<string, string> };
    const own = pkg.scripts?.test;
    pkg.scripts = { ...pkg.scripts, test: own ? `${own} && node ${FORCED_FAILURE_FILE}` : `node ${FORCED_FAILURE_FILE}` };
    writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  } catch {
    /* an unreadable package.json fails `npm test` on its own */
  }
}
