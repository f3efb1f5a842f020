import { defineConfig } from "vitest/config";

// Tests import workspace packages through their "source" export condition, so a test run
// never depends on a stale dist/ build.
export default defineConfig({
  resolve: { conditions: ["source"] },
  // vitest runs tests on Vite's SSR side, which has its own resolve conditions.
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
