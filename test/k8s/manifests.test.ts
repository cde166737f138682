import { describe, expect, it } from "vitest";
import { formatProblem, objectRef, parseManifests } from "../../harness/k8s/manifests.ts";

describe("parseManifests", () => {
  it("reads every document of a multi-document file with the line it starts on", () => {
    const text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n# a comment\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n---\n";
    const { manifests, problems } = parseManifests(text, "k8s/all.yaml");
    expect(problems).toEqual([]);
    expect(manifests.map((m) => [objectRef(m.object), m.line])).toEqual([
      ["Service/a", 1],
      ["Deployment/b", 7],
    ]);
  });

  it("reports YAML errors as file:line:col without the parser's code excerpt", () => {
    const text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 80\n   targetPort: 8080\n";
    const { manifests, problems } = parseManifests(text, "k8s/service.yaml");
    expect(manifests).toEqual([]);
    expect(problems[0]).toMatchObject({ file: "k8s/service.yaml", line: 8, col: 1 });
    expect(formatProblem(problems[0]!)).toMatch(/^k8s\/service\.yaml:8:1: \S/);
    expect(problems[0]!.message).not.toMatch(/at line|\n/);
  });

  it("keeps the position of an error in a later document", () => {
    const text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n   labels: x\n";
    const { manifests, problems } = parseManifests(text, "x.yaml");
    expect(manifests.map((m) => objectRef(m.object))).toEqual(["Service/a"]);
    expect(problems[0]).toMatchObject({ line: 9 });
  });

  it("rejects duplicate keys, which kubectl would silently merge", () => {
    const { problems } = parseManifests("apiVersion: v1\nkind: Service\nkind: Pod\nmetadata: {name: a}\n", "dup.yaml");
    expect(problems[0]).toMatchObject({ line: 3 });
    expect(problems[0]!.message).toMatch(/unique/i);
  });

  it("says which identifying fields a document lacks", () => {
    const { problems } = parseManifests("---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nkind: Pod\n", "z.yaml");
    expect(problems).toEqual([{ file: "z.yaml", line: 6, col: 1, message: "document 2 has no apiVersion, metadata.name" }]);
  });

  it("ignores empty documents and says when a document is not a mapping", () => {
    expect(parseManifests("---\n---\n", "e.yaml")).toEqual({ manifests: [], problems: [] });
    const { problems } = parseManifests("- a\n- b\n", "list.yaml");
    expect(problems[0]!.message).toMatch(/not a mapping/);
  });
});
