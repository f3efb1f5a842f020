// FastifyRequest.leadLedgerActor (module augmentation), for the embedder's hooks.
import "./request-actor.js";

export * from "./authentication.js";
export { LEAD_COMMAND_ROUTES } from "./command-routes.js";
export { answerErrorAsProblem, problemServerOptions } from "./error-answers.js";
export * from "./json-schema.js";
export * from "./plugin.js";
export * from "./problem.js";
export * from "./route-context.js";
