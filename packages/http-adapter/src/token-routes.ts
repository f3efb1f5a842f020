import type { Actor } from "@leadledger/core";
import { withExpectation } from "@leadledger/core/adapter";
import type { FastifyInstance, FastifyReply } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import type {
  ApiTokenAdministration,
  ApiTokenAdministrationError,
} from "./api-token-administration.js";
import { type JsonSchema, toJsonSchema, withJsonSchema } from "./json-schema.js";
import { httpProblem, invalidInput, problemOfLeadError, sendProblem } from "./problem.js";
import { decodeRequestPart } from "./query-codecs.js";
import { addAnswerSchemas, jsonAnswer, PROBLEM_RESPONSES } from "./response-schemas.js";
import { type RouteContext, sendJson } from "./route-context.js";
import { apiTokenRepresentation, issuedApiTokenRepresentation } from "./token-representations.js";

/** A person's id as the directory and the actors write it. */
const PersonIdText = withJsonSchema(
  withExpectation(
    t.refinement(t.string, (s) => s.length >= 1 && s.length <= 128 && s.trim() === s, "PersonId"),
    "a person's id, 1 to 128 characters without leading or trailing blanks, like rep-zhang-wei",
  ),
  { type: "string", minLength: 1, maxLength: 128, examples: ["rep-zhang-wei"] },
);

const TokenLabel = withJsonSchema(
  withExpectation(
    t.refinement(t.string, (s) => s.trim() !== "" && s.length <= 200, "TokenLabel"),
    'what the token is for, 1 to 200 characters, not blank, like "CRM sync"',
  ),
  {
    type: "string",
    minLength: 1,
    maxLength: 200,
    description:
      "What the token is for, in the operator's words: stored in the clear, so no personal data",
    examples: ["CRM sync"],
  },
);

const TokenIdText = withJsonSchema(
  withExpectation(
    t.refinement(t.string, (s) => /^tok_[A-Za-z0-9_-]{1,64}$/.test(s), "TokenId"),
    "a token id as GET /tokens lists it, like tok_3vQ9mZk1aB7x",
  ),
  { type: "string", pattern: "^tok_[A-Za-z0-9_-]{1,64}$", examples: ["tok_3vQ9mZk1aB7x"] },
);

/** Days a token lives: a whole number within the administration's bounds. */
const lifeDays = (administration: ApiTokenAdministration) =>
  withJsonSchema(
    withExpectation(
      t.refinement(
        t.number,
        (n) => Number.isInteger(n) && n >= 1 && n <= administration.maxLifeDays,
        "TokenLifeDays",
      ),
      `a whole number of days from 1 to ${administration.maxLifeDays}`,
    ),
    {
      type: "integer",
      minimum: 1,
      maximum: administration.maxLifeDays,
      description: `Days until the token expires; ${administration.defaultLifeDays} when absent`,
      examples: [administration.defaultLifeDays],
    },
  );

const TokenIdParams = t.type({ tokenId: TokenIdText });
const ListTokensQuery = t.partial({ personId: PersonIdText });

const MANAGE_TOKENS = "managing API tokens needs an executive";

const problemOf = (error: ApiTokenAdministrationError) => {
  switch (error.code) {
    case "store.unavailable":
      return problemOfLeadError(error);
    case "token.person-unknown":
      return httpProblem(error.code, { personId: error.personId });
    case "token.not-found":
    case "token.inactive":
      return httpProblem(error.code, { tokenId: error.tokenId });
  }
};

/** Answers holding a token are never kept by a cache on the way. */
const noStore = (reply: FastifyReply): FastifyReply => reply.header("cache-control", "no-store");

/**
 * Registers the token routes (docs/http.md, "API tokens"): `POST /tokens`, `GET /tokens`,
 * `POST /tokens/{tokenId}/revocation` and `POST /tokens/{tokenId}/rotation`, for
 * executives only (anyone else: 403 `access.denied`, before anything is read).
 */
export const registerTokenRoutes = (
  app: FastifyInstance,
  context: RouteContext,
  administration: ApiTokenAdministration,
): void => {
  addAnswerSchemas(app);
  const IssueBody = t.intersection([
    t.type({ personId: PersonIdText, label: TokenLabel }),
    t.partial({ expiresInDays: lifeDays(administration) }),
  ]);
  const RotateBody = t.partial({ expiresInDays: lifeDays(administration) });
  const params: JsonSchema = toJsonSchema(TokenIdParams);
  const common = { tags: ["tokens"], security: [{ bearer: [] }] };

  /** The actor when an executive, else the refusal already sent. */
  const executive = (actor: Actor): boolean => actor.role === "executive";
  const refuse = (reply: FastifyReply) =>
    sendProblem(reply, problemOfLeadError({ code: "access.denied", reason: MANAGE_TOKENS }));

  app.post(
    "/tokens",
    {
      schema: {
        ...common,
        operationId: "issueApiToken",
        summary: "Issue an API token for a person (executives); the token is shown once",
        body: {
          ...toJsonSchema(IssueBody),
          "x-examples": {
            sync: {
              summary: "A token for a rep's CRM sync, for 30 days",
              value: { personId: "rep-1", label: "CRM sync", expiresInDays: 30 },
            },
          },
        },
        response: {
          201: jsonAnswer("issuedApiToken", "The token, shown this once, and its description"),
          ...PROBLEM_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      if (!executive(context.actorOf(request))) return refuse(reply);
      const body = decodeRequestPart(IssueBody, request.body, "body");
      if (E.isLeft(body)) return sendProblem(reply, invalidInput(body.left));
      const issued = await administration.issue(body.right);
      if (E.isLeft(issued)) return sendProblem(reply, problemOf(issued.left));
      return sendJson(noStore(reply), 201, issuedApiTokenRepresentation(issued.right));
    },
  );

  app.get(
    "/tokens",
    {
      schema: {
        ...common,
        operationId: "listApiTokens",
        summary: "List API tokens, or one person's (executives); never a token or its hash",
        querystring: toJsonSchema(ListTokensQuery),
        response: {
          200: jsonAnswer("apiTokenList", "Every token ever issued, oldest first"),
          ...PROBLEM_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      if (!executive(context.actorOf(request))) return refuse(reply);
      const query = decodeRequestPart(ListTokensQuery, request.query, "query");
      if (E.isLeft(query)) return sendProblem(reply, invalidInput(query.left));
      const listed = await administration.list(
        query.right.personId === undefined ? {} : { personId: query.right.personId },
      );
      if (E.isLeft(listed)) return sendProblem(reply, problemOfLeadError(listed.left));
      return sendJson(reply, 200, {
        items: listed.right.map(apiTokenRepresentation),
        total: listed.right.length,
      });
    },
  );

  app.post(
    "/tokens/:tokenId/revocation",
    {
      schema: {
        ...common,
        operationId: "revokeApiToken",
        summary: "Revoke an API token at once, on every server of the data directory (executives)",
        description:
          "Revoking a revoked token changes nothing and answers it as it stands. No body is needed.",
        params,
        response: {
          200: jsonAnswer("apiToken", "The token, revoked"),
          ...PROBLEM_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      if (!executive(context.actorOf(request))) return refuse(reply);
      const path = decodeRequestPart(TokenIdParams, request.params, "path");
      if (E.isLeft(path)) return sendProblem(reply, invalidInput(path.left));
      const revoked = await administration.revoke(path.right.tokenId);
      if (E.isLeft(revoked)) return sendProblem(reply, problemOf(revoked.left));
      return sendJson(reply, 200, apiTokenRepresentation(revoked.right));
    },
  );

  app.post(
    "/tokens/:tokenId/rotation",
    {
      schema: {
        ...common,
        operationId: "rotateApiToken",
        summary: "Replace an active API token with a new one and revoke it (executives)",
        description:
          "The new token acts for the same person, with the same label; the old one is refused from this moment. A revoked or expired token is not rotated (409 `token.inactive`): issue a new one.",
        params,
        body: {
          ...toJsonSchema(RotateBody),
          "x-examples": {
            rotate: { summary: "A new token for 30 days", value: { expiresInDays: 30 } },
          },
        },
        response: {
          201: jsonAnswer("issuedApiToken", "The new token, shown this once"),
          ...PROBLEM_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      if (!executive(context.actorOf(request))) return refuse(reply);
      const path = decodeRequestPart(TokenIdParams, request.params, "path");
      const body = decodeRequestPart(RotateBody, request.body ?? {}, "body");
      if (E.isLeft(path) || E.isLeft(body)) {
        return sendProblem(
          reply,
          invalidInput([
            ...(E.isLeft(path) ? path.left : []),
            ...(E.isLeft(body) ? body.left : []),
          ]),
        );
      }
      const rotated = await administration.rotate(path.right.tokenId, body.right);
      if (E.isLeft(rotated)) return sendProblem(reply, problemOf(rotated.left));
      return sendJson(noStore(reply), 201, issuedApiTokenRepresentation(rotated.right));
    },
  );
};
