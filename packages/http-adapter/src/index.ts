export * from "./authentication.js";
export { LEAD_COMMAND_ROUTES } from "./command-routes.js";
export { type DemoCommand, demoCommands, seedDemoLeads } from "./demo-leads.js";
export * from "./json-schema.js";
export * from "./plugin.js";
export * from "./problem.js";
export * from "./route-context.js";
export * from "./server.js";
export * from "./server-config.js";
