// The plugin's public API: what an embedder mounts, configures and reads. Routes, codecs,
// schemas and representations are the plugin's own.

// Augments FastifyRequest with LeadLedgerRequest (`leadLedgerActor`) for the embedder's hooks.
import "./request-actor.js";

export type {
  ApiTokenAdministration,
  ApiTokenAdministrationError,
  ApiTokenDescription,
  ApiTokenRequest,
  IssuedApiToken,
} from "./api-token-administration.js";
export type { Authenticate, AuthenticationFailure } from "./authentication.js";
export { answerClientError, answerErrorAsProblem, problemServerOptions } from "./error-answers.js";
export { type LeadLedgerRoutesOptions, leadLedgerRoutes } from "./plugin.js";
export {
  type HttpProblemCode,
  PROBLEM_CODES,
  PROBLEM_MEDIA_TYPE,
  PROBLEM_TYPE_PREFIX,
  type ProblemCode,
  type ProblemDetails,
} from "./problem.js";
export type { LeadLedgerRequest } from "./request-actor.js";
export type { ReadModelSource } from "./route-context.js";
