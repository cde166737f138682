// Exercise 01 on the real Docker engine: verify both ways, then submissions we
// did not ship, judged by behaviour.
import { describe, expect, it } from "vitest";
import { account, runSubmission, statuses, verifyBothWays } from "../support/submissions.ts";

const ID = "01-debug-container";

describe("01-debug-container on real Docker", () => {
  it("verify: the starter fails with the log error named; the solution passes every check", async () => {
    const o = await verifyBothWays(ID);
    expect(statuses(o.starter.result)).toEqual({
      "image-builds": "passed",
      "container-stays-up": "passed",
      "health-returns-date": "failed",
      "logs-clean": "failed",
    });
    expect(account(o.starter.result, "logs-clean")).toMatch(/getData is not defined/);
    expect(account(o.starter.result, "health-returns-date")).toMatch(/status 500/);
    expect(o.solution.result.passed).toBe(true);
  });

  it("a different correct fix passes: rename the function instead of the call, and print another date format", async () => {
    const res = await runSubmission(ID, {
      edits: [
        ["server.js", "function getDate() {\n  return new Date().toISOString();", "function getData() {\n  return new Date().toUTCString();"],
      ],
    });
    expect(statuses(res)).toEqual({ "image-builds": "passed", "container-stays-up": "passed", "health-returns-date": "passed", "logs-clean": "passed" });
  });

  it("a fix that deletes the date fails: the body must carry today's date", async () => {
    const res = await runSubmission(ID, { edits: [["server.js", /getData\(\)/g, '"fine"']] });
    expect(statuses(res)["health-returns-date"]).toBe("failed");
    expect(account(res, "health-returns-date")).toMatch(/lacks today's date/);
    expect(statuses(res)["logs-clean"]).toBe("passed");
  });

  it("a fix that deletes the route fails with the status seen", async () => {
    const res = await runSubmission(ID, { fromSolution: true, edits: [["server.js", 'req.url === "/health"', 'req.url === "/healthz"']] });
    expect(statuses(res)["health-returns-date"]).toBe("failed");
    expect(account(res, "health-returns-date")).toMatch(/status 404/);
  });

  it("a broken Dockerfile fails at the build with the failing step and its log", async () => {
    const res = await runSubmission(ID, { fromSolution: true, edits: [["Dockerfile", "RUN npm install", "RUN npm install && npm run build"]] });
    expect(statuses(res)).toEqual({ "image-builds": "failed", "container-stays-up": "not-run", "health-returns-date": "not-run", "logs-clean": "not-run" });
    expect(account(res, "image-builds")).toMatch(/Step \d+\/\d+ : RUN npm install && npm run build/);
    expect(account(res, "image-builds")).toMatch(/Missing script: "build"/);
  });

  it("an app that exits is caught by 'container stays up', with its last log lines", async () => {
    const res = await runSubmission(ID, { fromSolution: true, files: { "server.js": 'console.log("started"); throw new Error("boom at startup");\n' } });
    expect(statuses(res)["container-stays-up"]).toBe("failed");
    expect(account(res, "container-stays-up")).toMatch(/exited with code 1/);
    expect(account(res, "container-stays-up")).toMatch(/boom at startup/);
    expect(statuses(res)["health-returns-date"]).toBe("not-run");
  });
});
