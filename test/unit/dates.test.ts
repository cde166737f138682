import { describe, expect, it } from "vitest";
import { containsCurrentDate } from "../../harness/dates.ts";

const now = new Date("2026-11-25T10:00:00Z");

describe("containsCurrentDate", () => {
  it.each([
    ["ISO", "ok 2026-11-25T10:00:00.000Z"],
    ["toDateString", "Today is Wed Nov 25 2026"],
    ["toUTCString", "Wed, 25 Nov 2026 10:00:00 GMT"],
    ["toString", "Wed Nov 25 2026 10:00:00 GMT+0000 (Coordinated Universal Time)"],
    ["en-US", "11/25/2026, 10:00:00 AM"],
    ["en-GB", "25/11/2026"],
    ["epoch ms", JSON.stringify({ now: now.getTime() })],
    ["epoch s", `t=${Math.floor(now.getTime() / 1000)}`],
    ["a neighbouring day (time zones)", "2026-11-24"],
  ])("accepts %s", (_name, body) => expect(containsCurrentDate(body, now)).toBe(true));

  it.each([
    ["no date", "ok"],
    ["an old date", "2019-03-01"],
    ["undefined", "ok undefined"],
    ["a year only", "2026"],
  ])("rejects %s", (_name, body) => expect(containsCurrentDate(body, now)).toBe(false));
});
