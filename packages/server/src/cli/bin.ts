#!/usr/bin/env node
import { runLeadledger } from "./leadledger-program.js";

// The `leadledger` command. The exit code is set rather than forced, so that `serve` keeps
// the process alive for as long as its server listens.
process.exitCode = await runLeadledger(process.argv.slice(2));
