// SchemaStore's Travis CI schema, vendored, validated with ajv: problems come
// back as a few lines with line and column.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadTravisSchema, pointerToPath, validateTravis } from "../../harness/ci/schema.ts";
import { parseTravisYaml } from "../../harness/ci/travis-file.ts";

const check = (text: string) => validateTravis(parseTravisYaml(text));

describe("Travis CI schema", () => {
  it("is vendored with its licence and loads as draft-07 (root id → $id)", () => {
    const s = loadTravisSchema();
    expect(s.$id).toBe("https://json.schemastore.org/travis.json");
    expect(s.id).toBeUndefined();
    expect(readFileSync(new URL("../../harness/ci/schema/LICENSE", import.meta.url), "utf8")).toMatch(/Apache License\s+Version 2\.0/);
  });

  it("accepts the starter's and the solution's .travis.yml, and the course's shape", () => {
    for (const f of ["../../exercises/03-travis-env-vars/.travis.yml", "../../solutions/03-travis-env-vars/.travis.yml"]) {
      expect(check(readFileSync(new URL(f, import.meta.url), "utf8"))).toEqual({ ok: true, problems: [] });
    }
    expect(check("language: node_js\nnode_js:\n  - 13\nservices:\n  - docker\nscript:\n  - docker --version\n").ok).toBe(true);
  });

  it("names the line, column and allowed values of a misspelt service", () => {
    const r = check("language: node_js\nservices:\n  - dockr\n");
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 3, col: 5 });
    expect(r.problems[0]!.message).toMatch(/^services\[0\]: must be one of .*docker/);
  });

  it("names a wrong type at its position", () => {
    const r = check("language: node_js\nscript:\n  - npm test\n  - [nested, list]\n");
    expect(r.problems[0]).toMatchObject({ line: 4, col: 5 });
    expect(r.problems[0]!.message).toMatch(/script\[1\]: must be string/);
  });

  it("passes YAML errors through, and wants a mapping at the top", () => {
    expect(check("script: [a\n").ok).toBe(false);
    expect(check("- just\n- a list\n").problems[0]!.message).toMatch(/mapping/);
  });

  it("writes JSON pointers as paths a learner recognises", () => {
    expect(pointerToPath("/deploy/0/on/branch")).toBe("deploy[0].on.branch");
  });
});
