// Static secret checks on .travis.yml: literal passwords, token shapes,
// high-entropy strings, and the form of `docker login`.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dockerLogins, entropy, findLiteralSecrets, judgeLogin, looksRandom, redact, redactCommand } from "../../harness/ci/secrets.ts";
import { shellWords } from "../../harness/ci/shell-words.ts";
import { parseTravisYaml, travisJob } from "../../harness/ci/travis-file.ts";
import { tempDir } from "../support/submissions.ts";

function scan(yaml: string) {
  const parsed = parseTravisYaml(yaml);
  return findLiteralSecrets(parsed, travisJob(parsed));
}

const GOOD_LOGIN = 'echo "$DOCKER_PASSWORD" | docker login -u "$DOCKER_USERNAME" --password-stdin';

describe("shell words", () => {
  it("honours quotes and marks words the shell would expand", () => {
    const w = shellWords(`echo "$A b" 'c $d' e\\ f | docker login -p=x`);
    expect(w.map((x) => x.value)).toEqual(["echo", "$A b", "c $d", "e f", "|", "docker", "login", "-p=x"]);
    expect(w.map((x) => x.expands)).toEqual([false, true, false, false, false, false, false, false]);
    expect(w[4]!.operator).toBe(true);
  });
});

describe("literal secrets", () => {
  it("finds a literal -p password, redacted, with its line", () => {
    const f = scan('script:\n  - docker login -u me -p "Tr4vis-Passw0rd!"\n');
    expect(f).toEqual([{ line: 2, kind: "password-flag", message: "`docker login` gets a literal password after -p: Tr… (16 characters)" }]);
  });

  it("finds --password=literal and -pLITERAL", () => {
    expect(scan("script: [docker login --password=abc12345]")[0]!.kind).toBe("password-flag");
    expect(scan("script: [docker login -pabc12345 -u me]")[0]!.kind).toBe("password-flag");
  });

  it("finds a literal piped into --password-stdin, or fed with <<<", () => {
    expect(scan("script: [echo hunter22 | docker login -u me --password-stdin]")[0]!.kind).toBe("password-piped");
    expect(scan("script: [docker login -u me --password-stdin <<< hunter22]")[0]!.kind).toBe("password-piped");
  });

  it("finds a secret-named variable set to a literal, in env or in a command", () => {
    expect(scan("env:\n  global:\n    - DOCKER_PASSWORD=hunter22\n")[0]).toMatchObject({ line: 3, kind: "secret-assignment" });
    expect(scan("before_install: [export API_TOKEN=abc]")[0]!.kind).toBe("secret-assignment");
  });

  it("finds known token shapes anywhere, comments included", () => {
    const f = scan(`# old token: dckr_pat_${"a1B2".repeat(7)}\nscript: [echo hi]\n`);
    expect(f[0]).toMatchObject({ line: 1, kind: "token-shape" });
    expect(f[0]!.message).toMatch(/Docker Hub access token: dc…/);
    expect(scan(`script: [curl -H "Authorization: token ghp_${"x".repeat(36)}" x]`)[0]!.message).toMatch(/GitHub token/);
  });

  it("finds high-entropy strings but not names, versions, paths or digests", () => {
    expect(scan("script: [./deploy.sh Zx9qP2mL7vR4tY8wK3nB6cH1]")[0]!.kind).toBe("high-entropy");
    expect(looksRandom("simple-node-production-2024")).toBe(false);
    expect(looksRandom("sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945")).toBe(false);
    expect(looksRandom("/usr/src/app/node_modules/x1")).toBe(false);
    expect(entropy("aaaa")).toBe(0);
  });

  it("accepts variables, --password-stdin and encrypted `secure:` values", () => {
    expect(scan(`env:\n  global:\n    - secure: "Zx9qP2mL7vR4tY8wK3nB6cH1Zx9qP2mL7vR4=="\nafter_success:\n  - ${GOOD_LOGIN}\n  - docker login -p "$DOCKER_PASSWORD"\n`)).toEqual([]);
  });

  it("redacts: two characters and the length, never the secret", () => {
    expect(redact("hunter22")).toBe("hu… (8 characters)");
    expect(redactCommand('docker login -u me -p "hunter22"')).toBe("docker login -u me -p hu… (8 characters)");
  });
});

describe("docker login form", () => {
  it("accepts the recommended form, with or without braces and with a here-string", () => {
    expect(judgeLogin(GOOD_LOGIN, "x").problems).toEqual([]);
    expect(judgeLogin('printf %s "${DOCKER_PASSWORD}" | docker login --username=${DOCKER_USERNAME} --password-stdin', "x").problems).toEqual([]);
    expect(judgeLogin('docker login -u "$DOCKER_USERNAME" --password-stdin <<< "$DOCKER_PASSWORD"', "x").problems).toEqual([]);
  });

  it("names each problem: -p, no password source, another source, another user", () => {
    expect(judgeLogin('docker login -u "$DOCKER_USERNAME" -p "$DOCKER_PASSWORD"', "x").problems.join()).toMatch(/argument \(-p\)/);
    expect(judgeLogin('docker login -u "$DOCKER_USERNAME"', "x").problems.join()).toMatch(/prompt/);
    expect(judgeLogin('cat pw.txt | docker login -u "$DOCKER_USERNAME" --password-stdin', "x").problems.join()).toMatch(/other than \$DOCKER_PASSWORD/);
    expect(judgeLogin('echo "$DOCKER_PASSWORD" | docker login -u someuser --password-stdin', "x").problems.join()).toMatch(/DOCKER_USERNAME/);
  });

  it("follows the scripts the pipeline calls (bash x.sh, ./x.sh)", () => {
    const tmp = tempDir("podlings-logins-");
    try {
      mkdirSync(path.join(tmp.dir, "ci"));
      writeFileSync(path.join(tmp.dir, "ci", "push.sh"), `#!/bin/sh\nset -e\n${GOOD_LOGIN}\ndocker push "$DOCKER_USERNAME/simple-node"\n`);
      const job = travisJob(parseTravisYaml("deploy:\n  provider: script\n  script: bash ci/push.sh\n"));
      expect(dockerLogins(job, tmp.dir)).toEqual([{ where: "ci/push.sh line 3", text: GOOD_LOGIN, problems: [] }]);
      const outside = travisJob(parseTravisYaml("script: [bash ../../etc/x.sh]\n"));
      expect(dockerLogins(outside, tmp.dir)).toEqual([]);
    } finally {
      tmp.dispose();
    }
  });
});
