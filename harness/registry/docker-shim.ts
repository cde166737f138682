// What the `docker` shim does with one command line. Learner scripts (push.sh,
// the commands of a .travis.yml) find this shim first on PATH; it forwards to
// the real docker CLI, except that nothing may reach Docker Hub or any registry
// other than the run's own local one. Pure: the entry point
// (docker-shim-main.ts) carries out the plan.
import { canonicalRepository, formatRef, isDockerHub, parseRef, sameRegistry } from "./reference.ts";

export type ShimMode =
  /** Forward; refuse push/login anywhere but the run's registry (exercise 02). */
  | "guard"
  /** Forward; Docker Hub pushes and logins go to the run's registry instead (a Travis run with `services: docker`). */
  | "hub-to-local"
  /** No Docker daemon, as on Travis without `services: docker`: only `docker --version` works. */
  | "no-daemon";

export interface ShimConfig {
  realDocker: string;
  mode: ShimMode;
  /** The run's registry, "127.0.0.1:PORT". */
  registry: string;
  /** JSON lines, one ShimRecord per push, login or refusal. */
  recordFile: string;
  /** Added to every `docker build`, so cleanup by label finds the learner's images. */
  buildLabels: Record<string, string>;
}

export interface ShimRecord {
  command: "push" | "login" | "logout" | "build" | "daemon";
  /** The reference as the learner wrote it (push), or the server (login). */
  ref?: string;
  /** Where it really went, after redirection. */
  target?: string;
  allowed: boolean;
  reason?: string;
  username?: string;
  /** How the password reached `docker login` (never the password itself). */
  passwordFrom?: "stdin" | "flag" | "none";
  /** Image names given to `docker build -t`. */
  tags?: string[];
  /** After a successful push: the local image that was pushed (its ID is the config digest). */
  imageId?: string;
  repoDigests?: string[];
  exitCode?: number;
}

export type ShimPlan =
  | { kind: "run"; steps: string[][]; notes: string[]; record?: ShimRecord }
  | { kind: "push-all"; globals: string[]; source: string; target: string; notes: string[]; record: ShimRecord }
  | { kind: "refuse"; message: string; exitCode: number; record: ShimRecord };

export const DAEMON_DOWN = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?";

const GLOBAL_WITH_VALUE = new Set(["--config", "-c", "--context", "-H", "--host", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"]);

interface Split {
  globals: string[];
  command: string[];
  rest: string[];
}

/** Splits `docker [global options] COMMAND [args]`, reading `image push` as `push`. */
export function splitArgs(argv: string[]): Split {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith("-")) {
    const a = argv[i]!;
    globals.push(a);
    if (GLOBAL_WITH_VALUE.has(a) && i + 1 < argv.length) globals.push(argv[++i]!);
    i++;
  }
  const first = argv[i];
  if (first === undefined) return { globals, command: [], rest: [] };
  if ((first === "image" || first === "buildx" || first === "builder") && argv[i + 1] && !argv[i + 1]!.startsWith("-")) {
    return { globals, command: [first, argv[i + 1]!], rest: argv.slice(i + 2) };
  }
  return { globals, command: [first], rest: argv.slice(i + 1) };
}

/** Positional arguments, skipping options (and the values of those that take one). */
function positionals(args: string[], withValue: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      out.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("-") && a !== "-") {
      if (withValue.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function optionValue(args: string[], names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const n of names) {
      if (a === n) return args[i + 1];
      if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
      if (n.length === 2 && a.startsWith(n) && !a.startsWith("--")) return a.slice(2);
    }
  }
  return undefined;
}

function tagsOfBuild(args: string[]): string[] {
  const tags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-t" || a === "--tag") tags.push(args[i + 1] ?? "");
    else if (a.startsWith("--tag=")) tags.push(a.slice(6));
    else if (a.startsWith("-t") && a.length > 2 && !a.startsWith("--")) tags.push(a.slice(2));
  }
  return tags.filter(Boolean);
}

function isHelpOrVersion(split: Split): boolean {
  const all = [...split.globals, ...split.command, ...split.rest];
  return all.includes("--help") || all.includes("-h") || split.command[0] === "help" ||
    (split.command.length === 0 && (split.globals.includes("--version") || split.globals.includes("-v")));
}

export function planDockerCall(argv: string[], cfg: ShimConfig): ShimPlan {
  const split = splitArgs(argv);
  const { globals, rest } = split;
  const cmd = split.command.join(" ");
  const forward = (): ShimPlan => ({ kind: "run", steps: [argv], notes: [] });

  if (cfg.mode === "no-daemon") {
    if (isHelpOrVersion(split)) return forward();
    return {
      kind: "refuse",
      message: DAEMON_DOWN,
      exitCode: 1,
      record: { command: "daemon", ref: argv.join(" ").slice(0, 200), allowed: false, reason: "no Docker daemon (services: docker is missing)" },
    };
  }

  if (cmd === "build" || cmd === "image build" || cmd === "buildx build") {
    const labels = Object.entries(cfg.buildLabels).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
    const at = globals.length + split.command.length;
    return {
      kind: "run",
      steps: [[...argv.slice(0, at), ...labels, ...argv.slice(at)]],
      notes: [],
      record: { command: "build", allowed: true, tags: tagsOfBuild(rest) },
    };
  }

  if (cmd === "push" || cmd === "image push") return planPush(argv, split, cfg);
  if (cmd === "login" || cmd === "logout") return planLogin(split, cfg);
  return forward();
}

function planPush(argv: string[], split: Split, cfg: ShimConfig): ShimPlan {
  const { globals, rest } = split;
  const ref = positionals(rest, new Set(["--platform"]))[0];
  if (!ref) return { kind: "run", steps: [argv], notes: [] };
  const r = parseRef(ref);
  const allTags = rest.includes("-a") || rest.includes("--all-tags");
  const record: ShimRecord = { command: "push", ref, allowed: true };

  if (sameRegistry(r.registry, cfg.registry)) {
    return { kind: "run", steps: [argv], notes: [], record: { ...record, target: ref } };
  }
  const where = isDockerHub(r.registry) ? `Docker Hub (${canonicalRepository(r)})` : `the registry ${r.registry}`;
  if (cfg.mode === "guard" || !isDockerHub(r.registry)) {
    const reason = `names ${where}; this run only allows pushes to ${cfg.registry}`;
    return {
      kind: "refuse",
      exitCode: 1,
      message:
        `podlings: refusing \`docker push ${ref}\`: it ${reason}.\n` +
        `podlings: put the registry in the name, e.g. "$REGISTRY/$NAMESPACE/simple-node:$VERSION" (REGISTRY=${cfg.registry}).`,
      record: { ...record, allowed: false, reason },
    };
  }
  // hub-to-local: the same name, one registry over.
  const target = formatRef({ registry: cfg.registry, path: r.path, tag: r.tag, digest: r.digest });
  const notes = [`podlings: Docker Hub is simulated in this run: ${ref} goes to the local registry as ${target}`];
  if (allTags) {
    return { kind: "push-all", globals, source: r.path, target: `${cfg.registry}/${r.path}`, notes, record: { ...record, target: `${cfg.registry}/${r.path} (all tags)` } };
  }
  const flags = rest.filter((a) => a !== ref);
  return {
    kind: "run",
    steps: [
      [...globals, "tag", ref, target],
      [...globals, "push", ...flags, target],
    ],
    notes,
    record: { ...record, target },
  };
}

function planLogin(split: Split, cfg: ShimConfig): ShimPlan {
  const { globals, rest } = split;
  const command = split.command[0] === "logout" ? "logout" : "login";
  const server = positionals(rest, new Set(["-u", "--username", "-p", "--password"]))[0];
  const username = optionValue(rest, ["-u", "--username"]);
  const passwordFrom: ShimRecord["passwordFrom"] = rest.includes("--password-stdin")
    ? "stdin"
    : optionValue(rest, ["-p", "--password"]) !== undefined
      ? "flag"
      : "none";
  const record: ShimRecord = { command, ref: server ?? DOCKER_HUB_LABEL, allowed: true, username, passwordFrom };
  const withServer = (s: string) => [...globals, command, ...rest.filter((a) => a !== server), s];

  if (server && sameRegistry(server.replace(/^https?:\/\//, "").replace(/\/.*$/, ""), cfg.registry)) {
    return { kind: "run", steps: [[...globals, command, ...rest]], notes: [], record: { ...record, target: server } };
  }
  const hub = !server || isDockerHub(server.replace(/^https?:\/\//, "").replace(/\/.*$/, ""));
  if (hub && cfg.mode === "hub-to-local") {
    return {
      kind: "run",
      steps: [withServer(cfg.registry)],
      notes: [`podlings: Docker Hub is simulated in this run: ${command} goes to the local registry ${cfg.registry}`],
      record: { ...record, target: cfg.registry },
    };
  }
  const reason = `${command} to ${hub ? "Docker Hub" : server}; this run only talks to ${cfg.registry}`;
  return {
    kind: "refuse",
    exitCode: 1,
    message: `podlings: refusing \`docker ${command}\`: ${reason}.`,
    record: { ...record, allowed: false, reason },
  };
}

const DOCKER_HUB_LABEL = "Docker Hub";

/** The shim records of a run, oldest first (the file holds one JSON object per line). */
export function parseRecords(text: string): ShimRecord[] {
  return text
    .split("\n")
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as ShimRecord];
      } catch {
        return [];
      }
    });
}
