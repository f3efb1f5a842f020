import { type Actor, isManager } from "@leadledger/core";
import type { FastifyInstance } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { toJsonSchema } from "./json-schema.js";
import type { MeAnswer } from "./me-answer.js";
import { invalidInput, problemOfLeadError, sendProblem } from "./problem.js";
import { decodeRequestPart } from "./query-codecs.js";
import { addAnswerSchemas, jsonAnswer, PROBLEM_RESPONSES } from "./response-schemas.js";
import { type RouteContext, sendJson } from "./route-context.js";

const MeQuery = t.partial({});

/** §7's reach of an actor, in words. */
const scopeOf = (actor: Actor): MeAnswer["scope"] => {
  switch (actor.role) {
    case "rep":
      return {
        leads: "own",
        description: `the leads you own in department ${actor.department}`,
      };
    case "head":
      return {
        leads: "department",
        description: `every lead of department ${actor.department}`,
      };
    case "executive":
      return { leads: "all", description: "every lead" };
  }
};

/** Which of the optional routes the plugin serves: a right is only stated where it can be used. */
export interface ServedRoutes {
  /** `/tokens`: the plugin has a token administration. */
  readonly tokens: boolean;
  /** `/people`: the plugin has the organisation. */
  readonly people: boolean;
}

/** Registers `GET /me`. */
export const registerMeRoute = (
  app: FastifyInstance,
  context: RouteContext,
  served: ServedRoutes,
): void => {
  addAnswerSchemas(app);
  app.get(
    "/me",
    {
      schema: {
        tags: ["people"],
        operationId: "getMe",
        summary: "Who the caller is, and what it may see and do",
        description:
          "The caller's actor (id, role, department), its display name and whether it is active when the server knows the organisation (else `null`), the leads it reaches (docs/domain.md §7: a rep its own, a head its department's, an executive all) and what it may do beyond them.",
        querystring: toJsonSchema(MeQuery),
        response: {
          200: jsonAnswer("me", "The caller"),
          ...PROBLEM_RESPONSES,
        },
        security: [{ bearer: [] }],
      },
    },
    async (request, reply) => {
      const actor = context.actorOf(request);
      const query = decodeRequestPart(MeQuery, request.query, "query");
      if (E.isLeft(query)) return sendProblem(reply, invalidInput(query.left));
      let person: { readonly displayName: string; readonly active: boolean } | undefined;
      if (context.directory !== undefined) {
        const found = await context.directory.findPerson(actor.id, context.clock());
        if (E.isLeft(found)) return sendProblem(reply, problemOfLeadError(found.left));
        person = found.right;
      }
      const answer: MeAnswer = {
        id: actor.id,
        role: actor.role,
        department: actor.department,
        displayName: person?.displayName ?? null,
        active: person?.active ?? null,
        scope: scopeOf(actor),
        may: {
          purgeLeads: isManager(actor),
          moveLeadsAcrossDepartments: isManager(actor),
          handOverLeads: isManager(actor),
          managePeople: served.people && actor.role === "executive",
          recordDepartures: served.people && isManager(actor),
          manageTokens: served.tokens && actor.role === "executive",
        },
      };
      return sendJson(reply, 200, answer);
    },
  );
};
