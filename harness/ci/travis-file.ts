// Reads a .travis.yml: YAML with positions (so every complaint names a line and
// column), and the one job podlings runs, normalised into phases of commands.
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";

export const PHASES = [
  "before_install",
  "install",
  "before_script",
  "script",
  "after_success",
  "after_failure",
  "before_deploy",
  "after_deploy",
  "after_script",
] as const;

export type PhaseName = (typeof PHASES)[number];

export interface Position {
  line: number;
  col: number;
}

export interface YamlProblem extends Position {
  message: string;
}

export interface ParsedTravis {
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** The plain data (undefined when the YAML does not parse). */
  data: unknown;
  errors: YamlProblem[];
}

export function parseTravisYaml(text: string): ParsedTravis {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const errors: YamlProblem[] = doc.errors.map((e) => {
    const p = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    return { line: p.line, col: p.col, message: e.message.split("\n")[0]! };
  });
  return { text, doc, lines, data: errors.length ? undefined : doc.toJS(), errors };
}

/** The node at a JSON pointer ("/deploy/0/script"), or the nearest existing parent. */
export function nodeAt(parsed: ParsedTravis, pointer: string): Node | undefined {
  const parts = pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node: unknown = parsed.doc.contents;
  for (const part of parts) {
    let next: unknown;
    if (isMap(node)) next = node.get(part, true);
    else if (isSeq(node)) next = node.get(Number(part), true);
    if (next === undefined || next === null) break;
    node = next;
  }
  return (node ?? undefined) as Node | undefined;
}

export function positionOf(parsed: ParsedTravis, pointer: string): Position {
  const node = nodeAt(parsed, pointer);
  const offset = node?.range?.[0] ?? 0;
  return parsed.lines.linePos(offset);
}

/** A command of the file, with where it is written. */
export interface Command {
  text: string;
  phase: PhaseName | "deploy";
  line: number;
}

export interface DeployStep {
  provider: string;
  commands: Command[];
  /** Why this deploy does not run in a build on the default branch, if it does not. */
  skipReason?: string;
}

/** The one job podlings runs: top-level keys only (no matrix, no stages). */
export interface TravisJob {
  language?: string;
  /** `node_js:` versions as written ("22", "lts/*"). */
  nodeVersions: string[];
  services: string[];
  /** Variables from `env` (global, or the first matrix entry); `secure:` entries are skipped. */
  env: Record<string, string>;
  /** Commands per phase; undefined when the file does not set the phase (language defaults apply). */
  phases: Partial<Record<PhaseName, Command[]>>;
  deploy: DeployStep[];
  /** Things the file asks for that podlings does not emulate. */
  notes: string[];
}

function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** "A=1 B='two words'" → { A: "1", B: "two words" }. */
export function parseEnvAssignments(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))/g;
  for (const m of line.matchAll(re)) out[m[1]!] = m[3] ?? m[4] ?? m[5] ?? "";
  return out;
}

function envOf(v: unknown, notes: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const take = (entry: unknown) => {
    if (typeof entry === "string") Object.assign(out, parseEnvAssignments(entry));
    else if (entry && typeof entry === "object" && "secure" in entry) notes.push("a `secure:` variable is skipped: it is encrypted for Travis and only Travis can decrypt it");
    else if (entry && typeof entry === "object") for (const [k, x] of Object.entries(entry)) out[k] = String(x);
  };
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ("global" in o || "matrix" in o || "jobs" in o) {
      for (const e of asList(o.global)) take(e);
      const first = asList(o.matrix ?? o.jobs)[0];
      if (first !== undefined) take(first);
      return out;
    }
    take(v);
    return out;
  }
  const list = asList(v);
  if (list.length > 1) notes.push(`\`env\` lists ${list.length} entries (a build matrix); podlings runs the first one only`);
  if (list[0] !== undefined) take(list[0]);
  return out;
}

function commandsOf(parsed: ParsedTravis, pointer: string, v: unknown, phase: PhaseName | "deploy"): Command[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === false || v === "skip" || v === "ignore") return [];
  const list = asList(v);
  return list.map((c, i) => ({
    text: String(c),
    phase,
    line: positionOf(parsed, Array.isArray(v) ? `${pointer}/${i}` : pointer).line,
  }));
}

/** The branch a local build pretends to be on: the default branch. */
export const BUILD_BRANCH = "master";

function deployOf(parsed: ParsedTravis, v: unknown, notes: string[]): DeployStep[] {
  const list = asList(v);
  return list.flatMap((d, i): DeployStep[] => {
    if (!d || typeof d !== "object") return [];
    const o = d as Record<string, unknown>;
    const pointer = Array.isArray(v) ? `/deploy/${i}` : "/deploy";
    const provider = String(o.provider ?? "unknown");
    if (provider !== "script") {
      notes.push(`deploy provider "${provider}" is not emulated locally (only provider: script is); it is skipped`);
      return [{ provider, commands: [], skipReason: `provider ${provider} is not emulated` }];
    }
    const on = (o.on ?? {}) as Record<string, unknown>;
    let skipReason: string | undefined;
    if (on.tags === true) skipReason = "it runs on tag builds only (on.tags: true)";
    else if (on.branch !== undefined && on.all_branches !== true) {
      const branches = asList(on.branch).map(String);
      if (!branches.some((b) => b === BUILD_BRANCH || b === "main")) skipReason = `it runs on ${branches.join(", ")} only (this build is on ${BUILD_BRANCH})`;
    }
    return [{ provider, commands: commandsOf(parsed, `${pointer}/script`, o.script, "deploy") ?? [], skipReason }];
  });
}

export function travisJob(parsed: ParsedTravis): TravisJob {
  const data = (parsed.data ?? {}) as Record<string, unknown>;
  const notes: string[] = [];
  const phases: Partial<Record<PhaseName, Command[]>> = {};
  for (const p of PHASES) {
    const cmds = commandsOf(parsed, `/${p}`, data[p], p);
    if (cmds) phases[p] = cmds;
  }
  for (const key of ["jobs", "matrix", "stages"]) {
    if (key in data) notes.push(`\`${key}\` is not emulated: podlings runs the top-level job only`);
  }
  return {
    language: typeof data.language === "string" ? data.language : undefined,
    nodeVersions: asList(data.node_js).map(String),
    services: asList(data.services).map(String),
    env: envOf(data.env, notes),
    phases,
    deploy: deployOf(parsed, data.deploy, notes),
    notes,
  };
}

/** Every command of the file, in lifecycle order (for static checks). */
export function allCommands(job: TravisJob): Command[] {
  const deployAt = PHASES.indexOf("before_deploy") + 1;
  const before = PHASES.slice(0, deployAt).flatMap((p) => job.phases[p] ?? []);
  const after = PHASES.slice(deployAt).flatMap((p) => job.phases[p] ?? []);
  return [...before, ...job.deploy.flatMap((d) => d.commands), ...after];
}

/** Every string in the document with its position, skipping values under `secure:` (encrypted on purpose). */
export function allStrings(parsed: ParsedTravis): Array<{ value: string; line: number; key?: string }> {
  const out: Array<{ value: string; line: number; key?: string }> = [];
  const walk = (node: unknown, key?: string) => {
    if (isScalar(node)) {
      if (typeof node.value === "string" && key !== "secure") out.push({ value: node.value, line: parsed.lines.linePos(node.range?.[0] ?? 0).line, key });
    } else if (isMap(node)) {
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
        walk(pair.value, k);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item, key);
    }
  };
  walk(parsed.doc.contents);
  return out;
}
