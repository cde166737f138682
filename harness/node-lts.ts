// Which Node.js majors are supported LTS on a given day. Judged by dates, not by
// a hard-coded list of "good" majors, so the answer changes on its own when a
// line reaches end of life. Source: the Node.js release schedule
// (github.com/nodejs/Release); update the table when a new major is announced.

export interface NodeRelease {
  major: number;
  /** First day of Active LTS; absent for odd majors, which never become LTS. */
  ltsStart?: string;
  /** First day without security fixes. */
  eol: string;
}

/** ISO dates (UTC). */
export const NODE_RELEASES: readonly NodeRelease[] = [
  { major: 10, ltsStart: "2018-10-30", eol: "2021-04-30" },
  { major: 11, eol: "2019-06-01" },
  { major: 12, ltsStart: "2019-10-21", eol: "2022-04-30" },
  { major: 13, eol: "2020-06-01" },
  { major: 14, ltsStart: "2020-10-27", eol: "2023-04-30" },
  { major: 15, eol: "2021-06-01" },
  { major: 16, ltsStart: "2021-10-26", eol: "2023-09-11" },
  { major: 17, eol: "2022-06-01" },
  { major: 18, ltsStart: "2022-10-25", eol: "2025-04-30" },
  { major: 19, eol: "2023-06-01" },
  { major: 20, ltsStart: "2023-10-24", eol: "2026-04-30" },
  { major: 21, eol: "2024-06-01" },
  { major: 22, ltsStart: "2024-10-29", eol: "2027-04-30" },
  { major: 23, eol: "2025-06-01" },
  { major: 24, ltsStart: "2025-10-28", eol: "2028-04-30" },
  { major: 25, eol: "2026-06-01" },
  { major: 26, ltsStart: "2026-10-28", eol: "2029-04-30" },
];

export type NodeSupport = "lts" | "current" | "not-yet-lts" | "end-of-life" | "unknown";

export interface NodeJudgement {
  major: number;
  support: NodeSupport;
  /** True only for a supported LTS line on that day. */
  ok: boolean;
  /** One sentence a learner reads, e.g. "Node 13 reached end of life on 2020-06-01". */
  reason: string;
}

function day(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`);
}

/** "v24.11.1" or "24.11.1" → 24; undefined when it is not a version. */
export function parseNodeMajor(version: string): number | undefined {
  const m = /^\s*v?(\d+)\.\d+\.\d+/.exec(version);
  return m ? Number(m[1]) : undefined;
}

export function judgeNodeMajor(major: number, today: Date = new Date()): NodeJudgement {
  const t = today.getTime();
  const r = NODE_RELEASES.find((x) => x.major === major);
  if (!r) {
    return {
      major,
      support: "unknown",
      ok: false,
      reason: `Node ${major} is not in podlings' release table (harness/node-lts.ts), so it cannot be judged`,
    };
  }
  if (t >= day(r.eol)) {
    return { major, support: "end-of-life", ok: false, reason: `Node ${major} reached end of life on ${r.eol}` };
  }
  if (!r.ltsStart) {
    return {
      major,
      support: "current",
      ok: false,
      reason: `Node ${major} is an odd-numbered "current" line: it never becomes LTS and ends on ${r.eol}`,
    };
  }
  if (t < day(r.ltsStart)) {
    return { major, support: "not-yet-lts", ok: false, reason: `Node ${major} becomes LTS only on ${r.ltsStart}` };
  }
  return { major, support: "lts", ok: true, reason: `Node ${major} is a supported LTS line until ${r.eol}` };
}

/** The LTS majors supported on that day, oldest first. */
export function supportedLtsMajors(today: Date = new Date()): number[] {
  return NODE_RELEASES.filter((r) => judgeNodeMajor(r.major, today).ok).map((r) => r.major);
}
