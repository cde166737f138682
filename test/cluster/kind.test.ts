// The kind provider against a fake `kind` on PATH: a script that records its
// argv and keeps a list of "clusters" in a file.
import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { KIND_INSTALL_HINT, KindProvider } from "../../harness/cluster/kind.ts";
import { NoClusterError } from "../../harness/cluster/session.ts";

const FAKE_KIND = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_KIND_DIR/argv.log"
clusters="$FAKE_KIND_DIR/clusters"
touch "$clusters"
name=kind
args=("$@")
for ((i = 0; i < \${#args[@]}; i++)); do [[ "\${args[i]}" == --name ]] && name="\${args[i+1]}"; done
case "$1 $2" in
  "get clusters") cat "$clusters" ;;
  "create cluster") echo "$name" >> "$clusters"; echo "Creating cluster \\"$name\\" ..." >&2 ;;
  "delete cluster") grep -vx "$name" "$clusters" > "$clusters.new" || true; mv "$clusters.new" "$clusters" ;;
  "get kubeconfig")
    grep -qx "$name" "$clusters" || { echo "ERROR: could not locate any control plane nodes for cluster named '$name'" >&2; exit 1; }
    printf 'apiVersion: v1\\nkind: Config\\nclusters:\\n- name: kind-%s\\n  cluster:\\n    server: https://127.0.0.1:40000\\n' "$name" ;;
  "load docker-image")
    [[ -n "$FAKE_KIND_FAIL_LOAD" ]] && { echo "ERROR: image: \\"$3\\" not present locally" >&2; exit 1; }
    echo "Image: \\"$3\\" with ID \\"sha256:abc\\" not yet present on node \\"$name-control-plane\\", loading..." ;;
  *) [[ "$1" == version ]] && echo "kind v0.0.0-fake go1.26 linux/amd64" ;;
esac
`;

let dir: string;
let env: NodeJS.ProcessEnv;

function provider(extra: NodeJS.ProcessEnv = {}) {
  return new KindProvider({ env: { ...env, ...extra }, kubeconfigPath: path.join(dir, "state", "kind.kubeconfig") });
}

async function argv(): Promise<string[]> {
  return (await readFile(path.join(dir, "argv.log"), "utf8")).trim().split("\n");
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "podlings-fake-kind-"));
  await writeFile(path.join(dir, "kind"), FAKE_KIND);
  await chmod(path.join(dir, "kind"), 0o755);
  env = { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH}`, FAKE_KIND_DIR: dir };
});

describe("kind provider (fake kind on PATH)", () => {
  it("creates the podlings cluster with the repo's config on first use and writes its kubeconfig", async () => {
    const kubeconfig = await provider().ensure();
    const calls = await argv();
    expect(calls[0]).toBe("get clusters");
    expect(calls[1]).toMatch(/^create cluster --name podlings --config .*clusters\/kind\/config\.yaml --wait \d+s$/);
    expect(calls[2]).toBe("get kubeconfig --name podlings");
    expect(kubeconfig).toBe(path.join(dir, "state", "kind.kubeconfig"));
    expect(await readFile(kubeconfig, "utf8")).toContain("server: https://127.0.0.1:40000");
  });

  it("reuses an existing cluster without creating it again", async () => {
    await writeFile(path.join(dir, "clusters"), "other\npodlings\n");
    await provider().ensure();
    const calls = await argv();
    expect(calls).toEqual(["get clusters", "get kubeconfig --name podlings"]);
  });

  it("loads an image with kind load docker-image and returns the same reference", async () => {
    const ref = await provider().loadImage("podlings/04-k8s-deploy-app:abc123");
    expect(ref).toBe("podlings/04-k8s-deploy-app:abc123");
    expect(await argv()).toEqual(["load docker-image podlings/04-k8s-deploy-app:abc123 --name podlings"]);
  });

  it("reports a failed image load with kind's own words", async () => {
    const error = await provider({ FAKE_KIND_FAIL_LOAD: "1" }).loadImage("nope:1").catch((e: unknown) => e);
    expect(String((error as Error).message)).toContain('image: "nope:1" not present locally');
  });

  it("deletes the cluster", async () => {
    await writeFile(path.join(dir, "clusters"), "podlings\n");
    await provider().delete();
    expect(await argv()).toEqual(["delete cluster --name podlings"]);
    expect((await readFile(path.join(dir, "clusters"), "utf8")).trim()).toBe("");
  });

  it("describes itself for doctor", async () => {
    const described = await provider().describe();
    expect(described.ready).toBe(true);
    expect(described.facts.join("\n")).toContain("kind v0.0.0-fake");
    expect(described.facts.join("\n")).toContain("not created yet");
  });

  it("says in one line how to install kind when it is missing", async () => {
    const empty = await mkdtemp(path.join(tmpdir(), "podlings-no-kind-"));
    const p = new KindProvider({ env: { ...env, PATH: empty }, kubeconfigPath: path.join(dir, "k") });
    const error = await p.ensure().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoClusterError);
    expect((error as Error).message).toBe(KIND_INSTALL_HINT);
    expect((error as Error).message).not.toContain("\n");
    const described = await p.describe();
    expect(described.ready).toBe(false);
    expect(described.fix).toBe(KIND_INSTALL_HINT);
  });
});
