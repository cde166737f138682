// Supported Node.js LTS lines, judged by dates from the release schedule.
import { describe, expect, it } from "vitest";
import { judgeNodeMajor, NODE_RELEASES, parseNodeMajor, supportedLtsMajors } from "../../harness/node-lts.ts";

const on = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe("Node.js LTS by date", () => {
  it("on 2026-11-25: 22, 24 and 26 are supported LTS; 20 reached EOL on 2026-04-30", () => {
    expect(supportedLtsMajors(on("2026-11-25"))).toEqual([22, 24, 26]);
    expect(judgeNodeMajor(20, on("2026-11-25"))).toMatchObject({ ok: false, support: "end-of-life", reason: "Node 20 reached end of life on 2026-04-30" });
  });

  it("20 was supported the day before its end of life, not on the day", () => {
    expect(judgeNodeMajor(20, on("2026-04-29")).ok).toBe(true);
    expect(judgeNodeMajor(20, new Date("2026-04-30T00:00:00Z")).ok).toBe(false);
  });

  it("26 becomes LTS in late October 2026: not before", () => {
    expect(judgeNodeMajor(26, on("2026-10-27"))).toMatchObject({ ok: false, support: "not-yet-lts" });
    expect(judgeNodeMajor(26, on("2026-10-28"))).toMatchObject({ ok: true, support: "lts" });
  });

  it("13, the course's base image, is long dead; odd lines are never LTS", () => {
    expect(judgeNodeMajor(13, on("2026-11-25")).reason).toBe("Node 13 reached end of life on 2020-06-01");
    expect(judgeNodeMajor(25, on("2026-01-10"))).toMatchObject({ ok: false, support: "current" });
  });

  it("a major missing from the table is not judged supported, and says where the table is", () => {
    expect(judgeNodeMajor(99, on("2026-11-25"))).toMatchObject({ ok: false, support: "unknown" });
    expect(judgeNodeMajor(99).reason).toMatch(/harness\/node-lts\.ts/);
  });

  it("every even major in the table has an LTS start before its end of life", () => {
    for (const r of NODE_RELEASES.filter((x) => x.major % 2 === 0)) {
      expect(Date.parse(r.ltsStart!)).toBeLessThan(Date.parse(r.eol));
    }
  });

  it("reads `node --version` output", () => {
    expect(parseNodeMajor("v24.11.1\n")).toBe(24);
    expect(parseNodeMajor("13.14.0")).toBe(13);
    expect(parseNodeMajor("node: not found")).toBeUndefined();
  });
});
