import { defineConfig } from "vitest/config";

// Engine-backed tests share one Docker engine and one cluster on a 2-core
// machine: files run one at a time, and each test gets a generous timeout.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 10 * 60_000,
    hookTimeout: 10 * 60_000,
    globalSetup: ["test/support/engines.ts"],
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "reports/vitest.json" },
  },
});
