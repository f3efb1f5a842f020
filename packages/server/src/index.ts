export * from "./api-tokens.js";
export { type DemoCommand, demoCommands, seedDemoLeads } from "./demo-leads.js";
export * from "./server.js";
export * from "./server-config.js";
