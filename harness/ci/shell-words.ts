// Splits a shell command line into words well enough to judge it statically:
// quotes are honoured, and each word says whether the shell would expand
// something in it ($VAR, ${VAR}, $(…), `…`). Operators (| && || ; <<< < >) are words of their own.

export interface ShellWord {
  /** The word after quote removal (expansions left as written). */
  value: string;
  /** True when the shell would substitute something: the value is not a literal. */
  expands: boolean;
  /** True for | && || ; <<< < > and similar. */
  operator: boolean;
}

const OPERATORS = ["<<<", "&&", "||", ">>", "|", ";", "<", ">", "&"];

export function shellWords(line: string): ShellWord[] {
  const words: ShellWord[] = [];
  let value = "";
  let expands = false;
  let started = false;
  const push = () => {
    if (started) words.push({ value, expands, operator: false });
    value = "";
    expands = false;
    started = false;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "#" && !started) break;
    if (/\s/.test(ch)) {
      push();
      continue;
    }
    const op = OPERATORS.find((o) => line.startsWith(o, i));
    if (op) {
      push();
      words.push({ value: op, expands: false, operator: true });
      i += op.length - 1;
      continue;
    }
    started = true;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      const stop = end < 0 ? line.length : end;
      value += line.slice(i + 1, stop);
      i = stop;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && j + 1 < line.length) {
          value += line[++j];
          continue;
        }
        if (line[j] === "$" || line[j] === "`") expands = true;
        value += line[j];
      }
      i = j;
    } else if (ch === "\\" && i + 1 < line.length) {
      value += line[++i];
    } else {
      if (ch === "$" || ch === "`") expands = true;
      value += ch;
    }
  }
  push();
  return words;
}

/** The words of each simple command: split at | && || ; &. */
export function simpleCommands(words: ShellWord[]): ShellWord[][] {
  const out: ShellWord[][] = [[]];
  for (const w of words) {
    if (w.operator && ["|", "&&", "||", ";", "&"].includes(w.value)) out.push([]);
    else out.at(-1)!.push(w);
  }
  return out.filter((c) => c.length);
}
