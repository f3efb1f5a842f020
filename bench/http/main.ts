// Runs bench.ts with the "source" export condition, so that the workspace packages are
// measured from their sources without a build. `tsx http/main.ts` is what
// `pnpm bench:http` runs; with `--conditions=source` given already, bench.ts runs directly.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const bench = join(dirname(fileURLToPath(import.meta.url)), "bench.ts");
if (process.execArgv.some((flag) => flag.startsWith("--conditions") || flag === "-C")) {
  await import(bench);
} else {
  const run = spawnSync(process.execPath, [...process.execArgv, "--conditions=source", bench], {
    stdio: "inherit",
  });
  process.exitCode = run.status ?? 1;
}
