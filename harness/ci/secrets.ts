// Static checks on a .travis.yml: literal secrets (a password after -p, a token
// of a known shape, a high-entropy string), and how `docker login` gets its
// credentials. The local pipeline run is the real judge of behaviour; these
// checks only catch what must never be written in the file.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { allCommands, allStrings, type ParsedTravis, type TravisJob } from "./travis-file.ts";
import { shellWords, simpleCommands, type ShellWord } from "./shell-words.ts";

export type SecretKind = "password-flag" | "password-piped" | "secret-assignment" | "token-shape" | "high-entropy";

export interface SecretFinding {
  line: number;
  kind: SecretKind;
  /** One line, with the secret redacted. */
  message: string;
}

/** "s3cr3t" → "s3… (6 characters)": enough to find it, not enough to use it. */
export function redact(secret: string): string {
  return `${secret.slice(0, 2)}… (${secret.length} characters)`;
}

const TOKEN_SHAPES: Array<{ name: string; re: RegExp }> = [
  { name: "a Docker Hub access token", re: /\bdckr_pat_[A-Za-z0-9_-]{20,}/ },
  { name: "a GitHub token", re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})/ },
  { name: "an npm token", re: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { name: "an AWS access key id", re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: "a Slack token", re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { name: "a Google API key", re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: "a private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
];

const SECRET_NAME = /(PASS(WORD)?|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A word that looks like a generated credential rather than a name, path or version. */
export function looksRandom(word: string): boolean {
  if (word.length < 20 || word.includes("://") || /^(sha256|sha512):/.test(word) || /^[./~]/.test(word)) return false;
  if (!/^[A-Za-z0-9+/=_.-]+$/.test(word) || !/\d/.test(word) || !/[A-Za-z]/.test(word)) return false;
  if (/^[0-9a-f]+$/i.test(word)) return word.length >= 32 && entropy(word) >= 3.0;
  return entropy(word) >= 4.0;
}

function isDockerLogin(cmd: ShellWord[]): boolean {
  const i = cmd.findIndex((w) => !w.operator && w.value === "docker");
  return i >= 0 && cmd.slice(i + 1).some((w) => w.value === "login");
}

/** The value given to -p / --password (any spelling), if any. */
function passwordArgument(cmd: ShellWord[]): ShellWord | undefined {
  for (let i = 0; i < cmd.length; i++) {
    const v = cmd[i]!.value;
    if ((v === "-p" || v === "--password") && cmd[i + 1]) return cmd[i + 1];
    if (v.startsWith("--password=")) return { ...cmd[i]!, value: v.slice(11) };
    if (/^-p[^-]/.test(v)) return { ...cmd[i]!, value: v.slice(2) };
  }
  return undefined;
}

function findingsInCommand(text: string, line: number): SecretFinding[] {
  const out: SecretFinding[] = [];
  const words = shellWords(text);
  const cmds = simpleCommands(words);
  cmds.forEach((cmd, i) => {
    if (isDockerLogin(cmd)) {
      const pw = passwordArgument(cmd);
      if (pw && !pw.expands && pw.value) {
        out.push({ line, kind: "password-flag", message: `\`docker login\` gets a literal password after -p: ${redact(pw.value)}` });
      }
      // echo literal | docker login --password-stdin
      const before = cmds[i - 1];
      if (cmd.some((w) => w.value === "--password-stdin") && before && ["echo", "printf"].includes(before[0]?.value ?? "")) {
        const args = before.slice(1).filter((w) => !w.value.startsWith("-") && !w.value.includes("%"));
        if (args.length && args.every((w) => !w.expands)) {
          out.push({ line, kind: "password-piped", message: `a literal password is piped into \`docker login\`: ${redact(args.map((w) => w.value).join(" "))}` });
        }
      }
      const here = cmd.findIndex((w) => w.value === "<<<");
      const fed = here >= 0 ? cmd[here + 1] : undefined;
      if (fed && !fed.expands) out.push({ line, kind: "password-piped", message: `a literal password is fed to \`docker login\` with <<<: ${redact(fed.value)}` });
    }
    for (const w of cmd) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(w.value);
      if (m && SECRET_NAME.test(m[1]!) && !w.expands) {
        out.push({ line, kind: "secret-assignment", message: `${m[1]} is set to a literal: ${redact(m[2]!)}` });
      }
    }
  });
  return out;
}

export function findLiteralSecrets(parsed: ParsedTravis, job: TravisJob): SecretFinding[] {
  const found: SecretFinding[] = [];
  for (const c of allCommands(job)) found.push(...findingsInCommand(c.text, c.line));
  for (const s of allStrings(parsed)) {
    if (s.key === "env" || s.key === "global" || s.key === "matrix") found.push(...findingsInCommand(s.value, s.line));
    for (const w of shellWords(s.value)) {
      const v = w.value.replace(/^[A-Za-z_][A-Za-z0-9_]*=/, "").replace(/^--?[A-Za-z-]+=/, "");
      if (!w.expands && looksRandom(v)) found.push({ line: s.line, kind: "high-entropy", message: `a random-looking string, likely a credential: ${redact(v)}` });
    }
  }
  // Token shapes anywhere, comments included: a commented-out token is still published.
  parsed.text.split("\n").forEach((text, i) => {
    if (/^\s*-?\s*secure\s*:/.test(text)) return;
    for (const shape of TOKEN_SHAPES) {
      const m = shape.re.exec(text);
      if (m) found.push({ line: i + 1, kind: "token-shape", message: `${shape.name}: ${redact(m[0])}` });
    }
  });
  const seen = new Set<string>();
  return found
    .filter((f) => {
      const key = `${f.line}:${f.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line);
}

/** The command with any literal `-p`/`--password` value replaced, for messages. */
export function redactCommand(text: string): string {
  return text.replace(/(\s(?:-p|--password)(?:=|\s+))("[^"$]*"|'[^']*'|[^\s$"'][^\s]*)/g, (_m, flag: string, value: string) => `${flag}${redact(value.replace(/^["']|["']$/g, ""))}`);
}

/** One `docker login` of the pipeline and what is wrong with how it gets credentials. */
export interface LoginUse {
  /** "line 7" of .travis.yml, or "docker_push.sh:3". */
  where: string;
  text: string;
  problems: string[];
}

const PASSWORD_VAR = String.raw`\$\{?DOCKER_PASSWORD\}?`;
const USERNAME_VAR = String.raw`\$\{?DOCKER_USERNAME\}?`;

export function judgeLogin(text: string, where: string): LoginUse {
  const problems: string[] = [];
  const words = shellWords(text);
  const cmd = simpleCommands(words).find(isDockerLogin) ?? [];
  const pw = passwordArgument(cmd);
  const stdin = cmd.some((w) => w.value === "--password-stdin");
  if (pw) {
    problems.push("passes the password as an argument (-p), where `ps` and logs can see it; use --password-stdin");
  } else if (!stdin) {
    problems.push("gives no password, so docker would prompt for one, and a CI job has no terminal; use --password-stdin");
  } else if (!new RegExp(`${PASSWORD_VAR}["']?\\s*\\|\\s*docker\\s+login|<<<\\s*["']?${PASSWORD_VAR}`).test(text)) {
    problems.push('feeds --password-stdin from something other than $DOCKER_PASSWORD; use echo "$DOCKER_PASSWORD" | docker login …');
  }
  if (!new RegExp(String.raw`(?:-u|--username)(?:=|\s+)["']?${USERNAME_VAR}`).test(text)) {
    problems.push('does not take the user name from $DOCKER_USERNAME; use -u "$DOCKER_USERNAME"');
  }
  return { where, text, problems };
}

/** Shell scripts the pipeline calls (`bash x.sh`, `./x.sh`, `sh x.sh`) that exist in `dir`. */
export function scriptsCalled(job: TravisJob, dir: string): string[] {
  const files = new Set<string>();
  for (const c of allCommands(job)) {
    for (const cmd of simpleCommands(shellWords(c.text))) {
      const [first, second] = cmd.map((w) => w.value);
      const candidate = first && ["bash", "sh"].includes(first) ? second : first;
      if (!candidate || !/\.(sh|bash)$/.test(candidate)) continue;
      const file = path.resolve(dir, candidate);
      if (file.startsWith(path.resolve(dir) + path.sep) && existsSync(file)) files.add(path.relative(dir, file));
    }
  }
  return [...files];
}

/** Every `docker login` of the pipeline: in .travis.yml, and in the scripts it calls. */
export function dockerLogins(job: TravisJob, dir: string): LoginUse[] {
  const uses: LoginUse[] = [];
  for (const c of allCommands(job)) {
    if (simpleCommands(shellWords(c.text)).some(isDockerLogin)) uses.push(judgeLogin(c.text, `.travis.yml line ${c.line}`));
  }
  for (const rel of scriptsCalled(job, dir)) {
    readFileSync(path.join(dir, rel), "utf8")
      .split("\n")
      .forEach((text, i) => {
        if (simpleCommands(shellWords(text)).some(isDockerLogin)) uses.push(judgeLogin(text, `${rel} line ${i + 1}`));
      });
  }
  return uses;
}
