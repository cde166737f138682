// Travis replaces the values of secure variables with [secure] in the job log.
// We do the same for every secret the harness injects, line by line, and count
// how often it had to, so a check can report it.

export const MASK = "[secure]";

export interface Masker {
  mask(text: string): string;
  /** How many occurrences were replaced so far. */
  readonly count: number;
}

export function createMasker(secrets: string[]): Masker {
  // Longest first, so a secret containing another is masked whole.
  const list = [...new Set(secrets.filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
  let count = 0;
  return {
    mask(text: string): string {
      let out = text;
      for (const s of list) {
        const parts = out.split(s);
        count += parts.length - 1;
        out = parts.join(MASK);
      }
      return out;
    },
    get count() {
      return count;
    },
  };
}
