// Validates a .travis.yml against SchemaStore's Travis CI schema (vendored in
// ./schema with its Apache-2.0 licence) and turns ajv's errors into a few
// lines a learner can act on, each with its line and column.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { positionOf, type ParsedTravis, type YamlProblem } from "./travis-file.ts";

const SCHEMA_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "schema", "travis.json");

let validator: ValidateFunction | undefined;

/**
 * The schema is draft-04; ajv 8 speaks draft-07. The only draft-04-only keyword
 * it uses is the root `id`, so we rename it and drop `$schema` (see schema/README.md).
 */
export function loadTravisSchema(): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as Record<string, unknown>;
  delete schema.$schema;
  if (typeof schema.id === "string") {
    schema.$id = schema.id;
    delete schema.id;
  }
  return schema;
}

function compile(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS; its default export arrives wrapped under ESM.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;
  addFormats(ajv);
  validator = ajv.compile(loadTravisSchema());
  return validator;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "enum": {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const shown = allowed.length > 8 ? [...allowed.slice(0, 8), "…"] : allowed;
      return `must be one of ${shown.join(", ")}`;
    }
    case "additionalProperties":
      return `unknown key "${String(p.additionalProperty)}"`;
    case "required":
      return `needs the key "${String(p.missingProperty)}"`;
    case "type":
      return `must be ${String(p.type).replace(/,/g, " or ")}`;
    default:
      return e.message ?? e.keyword;
  }
}

/** How specific an error is, for picking one per location: an enum says most. */
const PREFERENCE = ["enum", "additionalProperties", "required", "const", "pattern", "minItems", "uniqueItems", "type"];

/**
 * ajv reports every branch of every oneOf/anyOf. We keep the deepest locations
 * (a parent's error is usually the echo of a child's) and, per location, the
 * most specific message.
 */
export function summarizeSchemaErrors(parsed: ParsedTravis, errors: ErrorObject[], max = 3): YamlProblem[] {
  const paths = [...new Set(errors.map((e) => e.instancePath))];
  const deepest = paths.filter((p) => !paths.some((q) => q !== p && q.startsWith(`${p}/`)));
  const out: YamlProblem[] = [];
  for (const p of deepest) {
    const here = errors.filter((e) => e.instancePath === p && !["oneOf", "anyOf", "allOf", "if"].includes(e.keyword));
    if (!here.length) continue;
    here.sort((a, b) => rank(a) - rank(b));
    const pos = positionOf(parsed, p);
    const where = p ? pointerToPath(p) : "the file";
    out.push({ line: pos.line, col: pos.col, message: `${where}: ${describe(here[0]!)}` });
  }
  out.sort((a, b) => a.line - b.line || a.col - b.col);
  return out.slice(0, max);
}

/** "/deploy/0/script" → "deploy[0].script". */
export function pointerToPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : `${i ? "." : ""}${part.replace(/~1/g, "/").replace(/~0/g, "~")}`))
    .join("");
}

function rank(e: ErrorObject): number {
  const i = PREFERENCE.indexOf(e.keyword);
  return i < 0 ? PREFERENCE.length : i;
}

export interface SchemaOutcome {
  ok: boolean;
  problems: YamlProblem[];
}

export function validateTravis(parsed: ParsedTravis): SchemaOutcome {
  if (parsed.errors.length) return { ok: false, problems: parsed.errors };
  if (parsed.data === null || typeof parsed.data !== "object" || Array.isArray(parsed.data)) {
    return { ok: false, problems: [{ line: 1, col: 1, message: "the file must be a mapping of keys (language:, script:, …)" }] };
  }
  const validate = compile();
  if (validate(parsed.data)) return { ok: true, problems: [] };
  return { ok: false, problems: summarizeSchemaErrors(parsed, validate.errors ?? []) };
}
