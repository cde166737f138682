// Finds the package's exercises, resolves what a learner typed ("01",
// "debug-container", "01-debug-container"), and stages the files to judge.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { LearnerFacingError } from "./errors.ts";
import type { Exercise } from "./types.ts";

/** The package root: where exercises/ and solutions/ ship. Never a student's copy. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const EXERCISES_DIR = path.join(PACKAGE_ROOT, "exercises");
export const SOLUTIONS_DIR = path.join(PACKAGE_ROOT, "solutions");

/** Files of an exercise folder that are never part of the app. */
const NOT_APP = new Set(["exercise.mts", "README.md", "node_modules"]);

export function exerciseIds(): string[] {
  return readdirSync(EXERCISES_DIR)
    .filter((d) => /^\d\d-[a-z0-9-]+$/.test(d) && existsSync(path.join(EXERCISES_DIR, d, "exercise.mts")))
    .sort();
}

export function resolveId(input: string, ids = exerciseIds()): string {
  const q = input.trim().toLowerCase().replace(/^exercises\//, "").replace(/\/$/, "");
  const hit =
    ids.find((id) => id === q) ??
    ids.find((id) => id.slice(0, 2) === q.padStart(2, "0") && /^\d+$/.test(q)) ??
    ids.find((id) => id.slice(3) === q);
  if (!hit) {
    throw new LearnerFacingError(
      `No exercise "${input}".`,
      `Known exercises: ${ids.join(", ")} (you may type 01, debug-container or 01-debug-container).`,
    );
  }
  return hit;
}

export async function loadExercise(id: string): Promise<Exercise> {
  const file = path.join(EXERCISES_DIR, id, "exercise.mts");
  const mod = (await import(pathToFileURL(file).href)) as { default: Omit<Exercise, "id"> };
  return { ...mod.default, id };
}

export async function loadAll(): Promise<Exercise[]> {
  const all = await Promise.all(exerciseIds().map(loadExercise));
  return all.sort((a, b) => a.order - b.order);
}

export function exerciseDir(id: string): string {
  return path.join(EXERCISES_DIR, id);
}

export function solutionDir(id: string): string {
  return path.join(SOLUTIONS_DIR, id);
}

export interface Staged {
  dir: string;
  dispose(): void;
}

/**
 * Copies the package's starter for `ex` into a temp dir, then lays the judged
 * files over it. With `onlyEditable`, only the exercise's editable files are
 * taken from the overlay (grading: the checks stay the package's own).
 */
export function stage(ex: Exercise, overlay?: string, opts: { onlyEditable?: boolean } = {}): Staged {
  const dir = mkdtempSync(path.join(tmpdir(), `podlings-${ex.id}-`));
  copyApp(exerciseDir(ex.id), dir);
  if (overlay) {
    if (opts.onlyEditable) {
      for (const rel of ex.editable) {
        const from = path.join(overlay, rel);
        if (existsSync(from)) cpSync(from, path.join(dir, rel), { recursive: true });
      }
    } else {
      copyApp(overlay, dir);
    }
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function copyApp(from: string, to: string): void {
  for (const name of readdirSync(from)) {
    if (NOT_APP.has(name)) continue;
    cpSync(path.join(from, name), path.join(to, name), { recursive: true });
  }
}

/** In a student's repo, where does this exercise live? Accepts a repo root, a folder of exercises, or the exercise folder itself. */
export function locateInStudentDir(studentDir: string, id: string): string | undefined {
  const candidates = [path.join(studentDir, "exercises", id), path.join(studentDir, id)];
  if (path.basename(path.resolve(studentDir)) === id) candidates.push(studentDir);
  return candidates.find((c) => existsSync(c) && statSync(c).isDirectory());
}
