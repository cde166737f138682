// Reading the learner's manifests: multi-document YAML files, each document an
// object with apiVersion, kind and metadata.name. Problems carry file:line:col so
// a learner can jump straight to them.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Manifest {
  /** As given by the caller, e.g. "k8s/deployment.yaml". */
  file: string;
  /** 1-based line where the document starts. */
  line: number;
  object: ManifestObject;
}

export interface ManifestProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export interface ParsedManifests {
  manifests: Manifest[];
  problems: ManifestProblem[];
}

/** "Deployment/my-app". */
export function objectRef(object: Pick<ManifestObject, "kind" | "metadata">): string {
  return `${object.kind}/${object.metadata?.name ?? "(no name)"}`;
}

/** "k8s/deployment.yaml:3:5: message". */
export function formatProblem(problem: ManifestProblem): string {
  return `${problem.file}:${problem.line}:${problem.col}: ${problem.message}`;
}

/** Parses one file's text. Pure: no I/O. */
export function parseManifests(text: string, file: string): ParsedManifests {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const manifests: Manifest[] = [];
  const problems: ManifestProblem[] = [];
  if (!Array.isArray(docs)) return { manifests, problems }; // an empty stream

  docs.forEach((doc, index) => {
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const startPos = lineCounter.linePos(start);
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const pos = error.linePos?.[0] ?? startPos;
        problems.push({ file, line: pos.line, col: pos.col, message: firstLine(error.message) });
      }
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // an empty document, e.g. after a trailing ---
    const at = { file, line: startPos.line, col: startPos.col };
    if (typeof value !== "object" || Array.isArray(value)) {
      problems.push({ ...at, message: `document ${index + 1} is not a mapping (a Kubernetes object starts with apiVersion: and kind:)` });
      return;
    }
    const object = value as Record<string, unknown>;
    const missing = ["apiVersion", "kind"].filter((key) => typeof object[key] !== "string" || object[key] === "");
    const metadata = object.metadata as Record<string, unknown> | undefined;
    if (!metadata || typeof metadata.name !== "string" || metadata.name === "") missing.push("metadata.name");
    if (missing.length > 0) {
      problems.push({ ...at, message: `document ${index + 1} has no ${missing.join(", ")}` });
      return;
    }
    manifests.push({ file, line: startPos.line, object: object as unknown as ManifestObject });
  });
  return { manifests, problems };
}

/** Reads and parses files relative to `dir`; a missing file is a problem, not an exception. */
export async function readManifests(dir: string, files: string[]): Promise<ParsedManifests> {
  const all: ParsedManifests = { manifests: [], problems: [] };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(path.resolve(dir, file), "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      all.problems.push({ file, line: 1, col: 1, message: code === "ENOENT" ? "file not found" : String((error as Error).message) });
      continue;
    }
    const parsed = parseManifests(text, file);
    all.manifests.push(...parsed.manifests);
    all.problems.push(...parsed.problems);
  }
  return all;
}

/** yaml's pretty errors end with " at line L, column C:" and a code excerpt; we give the position ourselves. */
function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "").trim();
}
