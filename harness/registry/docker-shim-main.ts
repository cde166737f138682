// Entry point of the `docker` shim: `node docker-shim-main.ts CONFIG.json -- ARGS...`.
// A two-line wrapper named `docker` (written by sandbox.ts) calls it. It carries
// out the plan of docker-shim.ts with the real CLI and records pushes and logins.
import { appendFileSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { planDockerCall, type ShimConfig, type ShimRecord } from "./docker-shim.ts";

function record(cfg: ShimConfig, r: ShimRecord | undefined, exitCode: number): void {
  if (!r) return;
  try {
    appendFileSync(cfg.recordFile, `${JSON.stringify({ ...r, exitCode })}\n`);
  } catch {
    /* a missing record shows up as "nothing was pushed" */
  }
}

function real(cfg: ShimConfig, args: string[], capture = false): { status: number; stdout: string } {
  const r = spawnSync(cfg.realDocker, args, { stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit", encoding: "utf8" });
  if (r.error) {
    process.stderr.write(`podlings: could not run ${cfg.realDocker}: ${r.error.message}\n`);
    return { status: 127, stdout: "" };
  }
  return { status: r.status ?? (r.signal ? 128 : 1), stdout: r.stdout ?? "" };
}

/** What was pushed, read right after the push, so a script may delete its local images afterwards. */
function pushedImage(cfg: ShimConfig, ref: string): Pick<ShimRecord, "imageId" | "repoDigests"> {
  const r = real(cfg, ["image", "inspect", "--format", "{{json .Id}} {{json .RepoDigests}}", ref], true);
  if (r.status !== 0) return {};
  try {
    const [id, digests] = r.stdout.trim().split(" ");
    return { imageId: JSON.parse(id!) as string, repoDigests: JSON.parse(digests!) as string[] };
  } catch {
    return {};
  }
}

function main(): number {
  const [configPath, sep, ...args] = process.argv.slice(2);
  if (!configPath || sep !== "--") {
    process.stderr.write("podlings docker shim: usage: docker-shim-main.ts CONFIG.json -- ARGS...\n");
    return 2;
  }
  const cfg = JSON.parse(readFileSync(configPath, "utf8")) as ShimConfig;
  const plan = planDockerCall(args, cfg);

  if (plan.kind === "refuse") {
    process.stderr.write(`${plan.message}\n`);
    record(cfg, plan.record, plan.exitCode);
    return plan.exitCode;
  }
  for (const n of plan.notes) process.stderr.write(`${n}\n`);

  if (plan.kind === "push-all") {
    const listed = real(cfg, [...plan.globals, "image", "ls", "--format", "{{.Tag}}", plan.source], true);
    const tags = listed.stdout.split("\n").map((t) => t.trim()).filter((t) => t && t !== "<none>");
    let status = listed.status;
    for (const t of tags) {
      if (status !== 0) break;
      status = real(cfg, [...plan.globals, "tag", `${plan.source}:${t}`, `${plan.target}:${t}`]).status;
    }
    if (status === 0) status = real(cfg, [...plan.globals, "push", "--all-tags", plan.target]).status;
    record(cfg, plan.record, status);
    return status;
  }

  let status = 0;
  for (const step of plan.steps) {
    status = real(cfg, step).status;
    if (status !== 0) break;
  }
  let r = plan.record;
  if (r?.command === "push" && status === 0 && r.target) r = { ...r, ...pushedImage(cfg, r.target) };
  record(cfg, r, status);
  return status;
}

process.exitCode = main();
