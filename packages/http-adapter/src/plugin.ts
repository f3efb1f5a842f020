import rateLimit from "@fastify/rate-limit";
import type { Actor, Directory, LeadLedger, Organisation } from "@leadledger/core";
import type { Worklist } from "@leadledger/projections";
import type { FastifyPluginAsync } from "fastify";
import fastifyPlugin from "fastify-plugin";
import * as E from "fp-ts/lib/Either.js";
import type { ApiTokenAdministration } from "./api-token-administration.js";
import type { Authenticate } from "./authentication.js";
import { registerCommandRoutes } from "./command-routes.js";
import { answerErrorAsProblem, answerUnrouted, routeMethods } from "./error-answers.js";
import { registerHandOverRoute } from "./hand-over-route.js";
import { registerLeadRoutes } from "./lead-routes.js";
import { registerMeRoute } from "./me-route.js";
import { registerPeopleRoutes } from "./people-routes.js";
import { httpProblem, sendProblem } from "./problem.js";
import { REQUEST_ACTOR } from "./request-actor.js";
import { type ReadModelSource, routeContext } from "./route-context.js";
import { registerTokenRoutes } from "./token-routes.js";
import { registerViewRoutes } from "./view-routes.js";

/** What {@link leadLedgerRoutes} serves. */
export interface LeadLedgerRoutesOptions {
  readonly ledger: LeadLedger;
  /** The projection runner (or anything with `summaries` and `waitFor`) the views read. */
  readModel: ReadModelSource;
  /**
   * The organisation (docs/organisation.md): with it, lists and reports carry people's
   * display names beside their ids. The ledger checks owners against its own directory.
   */
  readonly directory?: Directory;
  /**
   * The organisation's commands and list: with it, `/people` lists, adds, moves and retires
   * people (docs/organisation.md, "Over HTTP"); without it those routes are not served.
   */
  readonly organisation?: Organisation;
  /**
   * The leads' sealed cards and search index (docs/privacy.md, "Search"): with it, lists
   * carry the leads' display names and main contacts and `GET /leads` searches by name,
   * phone and e-mail; without it those fields are `null` and a search answers 501.
   */
  readonly worklist?: Worklist;
  /**
   * Issues, lists, revokes and rotates API tokens: with it, executives manage them over
   * `/tokens` (docs/http.md, "API tokens"); without it those routes are not served.
   */
  readonly tokenAdministration?: ApiTokenAdministration;
  /** Turns each request into an actor; 401 when it cannot. */
  readonly authenticate: Authenticate;
  /** Epoch milliseconds; defaults to `Date.now`. */
  readonly clock?: () => number;
  /** Calendar of the views when a query names no `utcOffsetMinutes`. Defaults to 0 (UTC). */
  readonly utcOffsetMinutes?: number;
  /** How long a query with `minPosition` waits for the read model. Defaults to 5 s. */
  readonly readYourWritesTimeoutMs?: number;
  /**
   * Requests per actor per window (@fastify/rate-limit, keyed by the authenticated actor);
   * over it, 429 `http.rate-limited` with `Retry-After`. None by default.
   */
  readonly rateLimit?: { readonly max: number; readonly windowMs: number };
  /**
   * Answer unknown paths under the plugin's prefix with a problem: 405 with `Allow` when
   * the path has routes for other methods, else 404. Defaults to true.
   */
  readonly notFoundProblems?: boolean;
  /** Where the routes are mounted, e.g. `/api`; the host's root by default. */
  readonly prefix?: string;
}

/**
 * The routes in a context of their own: their error handler, not-found handler, hooks,
 * compilers and content-type parsers stay inside it and never reach the host's routes.
 */
const encapsulatedRoutes: FastifyPluginAsync<LeadLedgerRoutesOptions> = async (app, options) => {
  const clock = options.clock ?? Date.now;
  const context = routeContext({
    ledger: options.ledger,
    readModel: options.readModel,
    directory: options.directory,
    worklist: options.worklist,
    clock,
    utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
    readYourWritesTimeoutMs: options.readYourWritesTimeoutMs ?? 5_000,
  });

  // io-ts decodes every input in the handlers; the schemas are documentation.
  app.setValidatorCompiler(() => () => true);
  // Answers are built by typed code; a response schema must not drop or reshape fields.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  // Added before the rate limit's hooks: the limit counts per authenticated actor, and a
  // request without one is answered 401 before it counts anywhere.
  app.addHook("onRequest", async (request, reply) => {
    const found = await options.authenticate(request);
    if (E.isLeft(found)) return sendProblem(reply, httpProblem(found.left.code));
    request[REQUEST_ACTOR] = found.right;
    return undefined;
  });

  const limit = options.rateLimit;
  if (limit !== undefined) {
    await app.register(rateLimit, {
      max: limit.max,
      timeWindow: limit.windowMs,
      // Route hooks run after the scope's: the actor is known when the key is asked for.
      hook: "onRequest",
      keyGenerator: (request) => actorKeyOf(context.actorOf(request)),
      // Thrown to the scope's error handler, which answers http.rate-limited as a problem;
      // the limiter has already set Retry-After.
      errorResponseBuilder: (_request, refusal) =>
        Object.assign(new Error("rate limited"), { statusCode: refusal.statusCode }),
    });
  }

  app.setErrorHandler(answerErrorAsProblem);
  // Commands read JSON only: a text/plain body is refused as a media type (415), not read
  // as a string and refused as a malformed command.
  app.removeContentTypeParser("text/plain");

  if (options.notFoundProblems !== false) {
    const routes = routeMethods();
    app.addHook("onRoute", (route) => routes.record(route));
    // Unknown paths count against the limit too, as every route does.
    app.setNotFoundHandler(
      limit === undefined ? {} : { preHandler: app.rateLimit() },
      (request, reply) => answerUnrouted(routes, request, reply),
    );
  }

  registerCommandRoutes(app, context);
  registerLeadRoutes(app, context);
  registerViewRoutes(app, context);
  if (options.organisation !== undefined) {
    registerPeopleRoutes(app, context, options.organisation);
  }
  registerHandOverRoute(app, context);
  registerMeRoute(app, context, {
    tokens: options.tokenAdministration !== undefined,
    people: options.organisation !== undefined,
  });
  if (options.tokenAdministration !== undefined) {
    registerTokenRoutes(app, context, options.tokenAdministration);
  }
};

/** What the rate limit counts under: one count per actor, whatever their tokens. */
const actorKeyOf = (actor: Actor): string => `${actor.department}\u001f${actor.id}`;

/**
 * The lead ledger over HTTP (docs/architecture.md): the command routes, the lead queries, the
 * views and the rep report. Every route sits behind `authenticate`; every error is an RFC
 * 9457 problem. Bodies and queries are decoded with io-ts: the route schemas only document
 * them (for @fastify/swagger, registered by the embedder before this plugin), so Fastify's
 * own validation is turned off for these routes to keep one source of truth.
 *
 * A fastify-plugin (`name: "@leadledger/http-adapter"`, Fastify 5): it decorates the
 * host's requests with `leadLedgerActor`, so the embedder's own later hooks can read who
 * acted, and registers its routes in a child context of their own, so their error handler,
 * not-found handler, authentication hook, rate limit and compilers never reach the host's
 * routes. `prefix` applies to the routes as with any plugin. The instance options that only
 * the host can set are `problemServerOptions`.
 *
 * @example
 * ```ts
 * const app = Fastify({ ...problemServerOptions });
 * await app.register(swagger, { openapi: { info: { title: "leads", version: "1" } } });
 * await app.register(leadLedgerRoutes, { prefix: "/api", ledger, readModel: runner, authenticate });
 * ```
 */
export const leadLedgerRoutes = fastifyPlugin<LeadLedgerRoutesOptions>(
  async (host, options) => {
    if (!host.hasRequestDecorator(REQUEST_ACTOR)) host.decorateRequest(REQUEST_ACTOR, null);
    // A fastify-plugin ignores `prefix` itself: the child context carries it.
    await host.register(encapsulatedRoutes, options);
  },
  { name: "@leadledger/http-adapter", fastify: "5.x" },
);
