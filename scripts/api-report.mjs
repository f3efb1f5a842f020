// The API reports in api/: one per entry point of each published package (an `exports`
// key with `types`), made by API Extractor from the built declarations (run `pnpm build`
// first).
//
//   node scripts/api-report.mjs --check   fails when a package's public API differs from its
//                                         checked-in report (CI: `pnpm api:check`)
//   node scripts/api-report.mjs           writes the reports anew (`pnpm api:update`)
//
// A change to what a package exports therefore shows in the diff of its report, where a
// reviewer sees it, and CI refuses it until the report is updated with it.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const root = resolve(import.meta.dirname, "..");
const reportFolder = join(root, "api");
const check = process.argv.includes("--check");

/** Every entry point of every published package: its report's name and its declarations. */
const entryPoints = readdirSync(join(root, "packages")).flatMap((dir) => {
  const projectFolder = join(root, "packages", dir);
  const manifest = JSON.parse(readFileSync(join(projectFolder, "package.json"), "utf8"));
  if (manifest.private === true) return [];
  const unscoped = manifest.name.replace(/^@[^/]+\//, "");
  return Object.entries(manifest.exports ?? {}).map(([subpath, conditions]) => ({
    projectFolder,
    name:
      subpath === "."
        ? unscoped
        : `${unscoped}-${subpath.replace(/^\.\//, "").replaceAll("/", "-")}`,
    declarations: join(projectFolder, conditions.types),
  }));
});

const temp = mkdtempSync(join(tmpdir(), "leadledger-api-"));
mkdirSync(reportFolder, { recursive: true });
const failures = [];
try {
  for (const entry of entryPoints) {
    const configFile = join(temp, `${entry.name}.api-extractor.json`);
    writeFileSync(
      configFile,
      JSON.stringify({
        projectFolder: entry.projectFolder,
        mainEntryPointFilePath: entry.declarations,
        // The build's own settings: module resolution as a consumer of dist/ sees it.
        compiler: { tsconfigFilePath: join(entry.projectFolder, "tsconfig.build.json") },
        apiReport: {
          enabled: true,
          reportFileName: entry.name,
          reportFolder,
          reportTempFolder: join(temp, "reports"),
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: "error" } },
          extractorMessageReporting: {
            default: { logLevel: "error" },
            // Release tags (@public, @beta) are not used: everything exported is public.
            "ae-missing-release-tag": { logLevel: "none" },
            // A public type that names a declaration the entry point does not export: a
            // helper type a consumer cannot name, or (for core/adapter) a type of the main
            // entry. Noted in the report by name, so a new one shows in its diff.
            "ae-forgotten-export": { logLevel: "warning", addToApiReportFile: true },
            // Links in comments are documentation; the report is about the API's shape.
            "ae-unresolved-link": { logLevel: "none" },
          },
          tsdocMessageReporting: { default: { logLevel: "none" } },
        },
      }),
    );
    const config = ExtractorConfig.prepare({
      configObject: ExtractorConfig.loadFile(configFile),
      configObjectFullPath: configFile,
      packageJsonFullPath: join(entry.projectFolder, "package.json"),
    });
    const result = Extractor.invoke(config, {
      localBuild: !check,
      messageCallback: (message) => {
        // In a check, API Extractor's own notice (copy a temporary file) is replaced by the
        // one below, once per entry point, with the fix.
        if (check && message.messageId.startsWith("console-api-report")) message.handled = true;
      },
    });
    if (!result.succeeded) {
      failures.push(
        result.apiReportChanged
          ? `${entry.name}: the public API differs from api/${entry.name}.api.md`
          : `${entry.name}: API Extractor reported ${result.errorCount} error(s) above`,
      );
    }
  }
  // A report whose entry point is gone would describe an API that no longer exists.
  const expected = new Set(entryPoints.map((entry) => `${entry.name}.api.md`));
  for (const file of readdirSync(reportFolder).filter((name) => name.endsWith(".api.md"))) {
    if (expected.has(file)) continue;
    if (check) failures.push(`api/${file} reports an entry point that no package exports`);
    else rmSync(join(reportFolder, file));
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\n${failures.join("\n")}`);
  if (check) {
    console.error(
      "\nIf the change is meant, run `pnpm build && pnpm api:update` and commit the reports in api/ with it.",
    );
  }
  process.exit(1);
}
console.log(`${check ? "checked" : "wrote"} ${entryPoints.length} API reports in api/`);
