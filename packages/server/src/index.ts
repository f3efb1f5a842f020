// The server as a library: build the standalone application in-process (tests, benchmarks,
// a supervisor of one's own). Its configuration file, tokens and demo data are the
// application's own; operators use the `leadledger` command.

export { createServer, type LeadLedgerServer, type ServerConfig } from "./server.js";
export type { IssuedToken } from "./server-config.js";
