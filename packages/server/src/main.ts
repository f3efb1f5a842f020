import { runLeadledger } from "./cli/leadledger-program.js";

// The standalone server: `pnpm start` from the repository root, the same as `leadledger
// serve`. Settings come from the environment (docs/http.md) or serve's options.
process.exitCode = await runLeadledger(["serve", ...process.argv.slice(2)]);
