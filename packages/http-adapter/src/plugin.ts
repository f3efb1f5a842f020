import type { Actor, LeadLedger } from "@leadledger/core";
import type { FastifyError, FastifyPluginAsync, FastifyRequest } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import type { Authenticate } from "./authentication.js";
import { registerCommandRoutes } from "./command-routes.js";
import { registerLeadRoutes } from "./lead-routes.js";
import { httpProblem, invalidInput, type ProblemDetails, sendProblem } from "./problem.js";
import { type ReadModelSource, routeContext } from "./route-context.js";
import { registerViewRoutes } from "./view-routes.js";

/** What {@link leadLedgerRoutes} serves. */
export interface LeadLedgerRoutesOptions {
  readonly ledger: LeadLedger;
  /** The projection runner (or anything with `summaries` and `waitFor`) the views read. */
  readModel: ReadModelSource;
  /** Turns each request into an actor; 401 when it cannot. */
  readonly authenticate: Authenticate;
  /** Epoch milliseconds; defaults to `Date.now`. */
  readonly clock?: () => number;
  /** Calendar of the views when a query names no `utcOffsetMinutes`. Defaults to 0 (UTC). */
  readonly utcOffsetMinutes?: number;
  /** How long a query with `minPosition` waits for the read model. Defaults to 5 s. */
  readonly readYourWritesTimeoutMs?: number;
  /** Requests per actor per window; none by default. */
  readonly rateLimit?: { readonly max: number; readonly windowMs: number };
  /** Answer unknown paths under the plugin's prefix with a problem. Defaults to true. */
  readonly notFoundProblems?: boolean;
}

/** Requests each actor made in the current window: a fixed-window limiter per actor. */
const rateLimiter = (
  limit: { readonly max: number; readonly windowMs: number },
  clock: () => number,
) => {
  let windowStart = 0;
  let counts = new Map<string, number>();
  return (actor: Actor): number | undefined => {
    const now = clock();
    if (now - windowStart >= limit.windowMs) {
      windowStart = now - (now % limit.windowMs);
      counts = new Map();
    }
    const key = `${actor.department}\u001f${actor.id}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    // Seconds until the window turns: the Retry-After of a refused request.
    return count > limit.max ? Math.ceil((windowStart + limit.windowMs - now) / 1000) : undefined;
  };
};

// Fastify's own 4xx errors (from parsing the body, mostly) in the problem vocabulary. Their
// messages may quote the body, so only fixed texts are answered and logged.
const problemOfFastifyError = (error: FastifyError): ProblemDetails | undefined => {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return httpProblem("http.payload-too-large");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return httpProblem("http.unsupported-media-type");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return invalidInput([{ path: "body", expected: "JSON" }], "The JSON body is empty");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return invalidInput([{ path: "body", expected: "JSON" }], "The body is not valid JSON");
  }
  const status = error.statusCode;
  if (status === 413) return httpProblem("http.payload-too-large");
  if (status === 415) return httpProblem("http.unsupported-media-type");
  if (status !== undefined && status >= 400 && status < 500) {
    return invalidInput([{ path: "body", expected: "JSON" }], "The request could not be read");
  }
  return undefined;
};

/**
 * The lead ledger over HTTP (ARCHITECTURE.md §5): the command routes, the lead queries, the
 * views and the rep report. Every route sits behind `authenticate`; every error is an RFC
 * 9457 problem. Bodies and queries are decoded with io-ts: the route schemas only document
 * them (for @fastify/swagger, registered by the embedder before this plugin), so Fastify's
 * own validation is turned off here to keep one source of truth.
 *
 * @example
 * ```ts
 * await app.register(swagger, { openapi: { info: { title: "leads", version: "1" } } });
 * await app.register(leadLedgerRoutes, { prefix: "/api", ledger, readModel: runner, authenticate });
 * ```
 */
export const leadLedgerRoutes: FastifyPluginAsync<LeadLedgerRoutesOptions> = async (
  app,
  options,
) => {
  const clock = options.clock ?? Date.now;
  const actors = new WeakMap<FastifyRequest, Actor>();
  const context = routeContext({
    ledger: options.ledger,
    readModel: options.readModel,
    clock,
    utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
    readYourWritesTimeoutMs: options.readYourWritesTimeoutMs ?? 5_000,
    actors,
  });
  const limited =
    options.rateLimit === undefined ? undefined : rateLimiter(options.rateLimit, clock);

  // io-ts decodes every input in the handlers; the schemas are documentation.
  app.setValidatorCompiler(() => () => true);
  // Answers are built by typed code; a response schema must not drop or reshape fields.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook("onRequest", async (request, reply) => {
    const found = await options.authenticate(request);
    if (E.isLeft(found)) return sendProblem(reply, httpProblem(found.left.code));
    if (limited !== undefined) {
      const retryAfter = limited(found.right);
      if (retryAfter !== undefined) {
        reply.header("retry-after", String(retryAfter));
        return sendProblem(reply, httpProblem("http.rate-limited"));
      }
    }
    actors.set(request, found.right);
    return undefined;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = problemOfFastifyError(error);
    if (problem !== undefined) return sendProblem(reply, problem);
    // A bug: logged without the request body, answered without details.
    request.log.error(
      { err: { type: error.name, code: error.code, stack: error.stack } },
      "unexpected error",
    );
    return sendProblem(reply, httpProblem("http.internal"));
  });

  if (options.notFoundProblems !== false) {
    app.setNotFoundHandler((_request, reply) => sendProblem(reply, httpProblem("http.not-found")));
  }

  registerCommandRoutes(app, context);
  registerLeadRoutes(app, context);
  registerViewRoutes(app, context);
};
