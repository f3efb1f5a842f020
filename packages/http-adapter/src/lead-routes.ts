import { type HistoryVerification, LeadId } from "@leadledger/core";
import { canSee, type LeadSummary } from "@leadledger/projections";
import type { FastifyInstance, FastifyReply } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { type JsonSchema, toJsonSchema, withPropertyExamples } from "./json-schema.js";
import { type LeadCursor, leadPage } from "./lead-page.js";
import { matchesToBeConfirmed } from "./open-fields-filter.js";
import { invalidInput, problemOfLeadError, sendProblem } from "./problem.js";
import {
  decodePathAndQuery,
  decodeRequestPart,
  GetLeadQuery,
  HistoryQuery,
  LeadIdParams,
  ListLeadsQuery,
} from "./query-codecs.js";
import {
  etagOf,
  historyRepresentation,
  leadRepresentation,
  summaryRepresentation,
} from "./representations.js";
import { addAnswerSchemas, jsonAnswer, PROBLEM_RESPONSES } from "./response-schemas.js";
import { type RouteContext, sendJson } from "./route-context.js";

/** A cursor that is not one this list handed out: in words, with the codec's name. */
const BAD_CURSOR = {
  path: "query.cursor",
  expected: "the nextCursor of an earlier page of this list, passed back unchanged",
  type: "Cursor",
};

const DEFAULT_PAGE = 50;

const encodeCursor = (row: LeadSummary): string =>
  Buffer.from(`${row.acquiredAt}/${row.leadId}`, "utf8").toString("base64url");
const decodeCursor = (text: string): LeadCursor | undefined => {
  const match = /^(-?[0-9]{1,16})\/(.+)$/.exec(Buffer.from(text, "base64url").toString("utf8"));
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  if (!LeadId.is(match[2])) return undefined;
  return { acquiredAt: Number(match[1]), leadId: match[2] };
};

const querySchema = (codec: t.Mixed): JsonSchema => toJsonSchema(codec);
const LEAD_ID_PARAMS: JsonSchema = {
  type: "object",
  properties: { leadId: toJsonSchema(LeadId) },
  required: ["leadId"],
};

/**
 * A lead read from a broken hash chain is served, since the events are all there is, but
 * never as if it could be trusted: the body's `integrity` (or history's `chain`) says so,
 * and this header says it to clients that look at headers only.
 */
const flagBrokenChain = (reply: FastifyReply, verification: HistoryVerification): void => {
  if (!verification.intact) reply.header("leadledger-integrity", "broken");
};

/** Registers `GET /leads`, `GET /leads/{id}` and `GET /leads/{id}/history`. */
export const registerLeadRoutes = (app: FastifyInstance, context: RouteContext): void => {
  addAnswerSchemas(app);
  app.get(
    "/leads",
    {
      schema: {
        tags: ["leads"],
        operationId: "listLeads",
        summary: "List the leads the caller may see (from the read model, no personal data)",
        description:
          "Newest acquisitions first. Pass `nextCursor` back as `cursor` for the next page. `stage` is one of the stages of docs/metrics.md §1 (`new`, `contacted`, `visited`, `converted`, `purged`), as `GET /leads/{id}` and the pipeline name them.",
        querystring: withPropertyExamples(querySchema(ListLeadsQuery), {
          stage: "contacted",
          limit: 20,
        }),
        response: {
          200: jsonAnswer("summaryPage", "A page of leads"),
          ...PROBLEM_RESPONSES,
        },
        security: [{ bearer: [] }],
      },
    },
    async (request, reply) => {
      const actor = context.actorOf(request);
      const query = decodeRequestPart(ListLeadsQuery, request.query, "query");
      if (E.isLeft(query)) return sendProblem(reply, invalidInput(query.left));
      const q = query.right;
      let cursor: LeadCursor | undefined;
      if (q.cursor !== undefined) {
        cursor = decodeCursor(q.cursor);
        if (cursor === undefined) {
          return sendProblem(reply, invalidInput([BAD_CURSOR]));
        }
      }
      const waited = await context.readYourWrites(q.minPosition);
      if (E.isLeft(waited)) return sendProblem(reply, waited.left);
      const rows = context.readModel.summaries();
      const { items, more } = await context.inTurn(() =>
        leadPage(rows, {
          after: cursor,
          limit: q.limit ?? DEFAULT_PAGE,
          matches: (row) =>
            canSee(actor, row) &&
            (q.owner === undefined || row.ownerId === q.owner) &&
            (q.department === undefined || row.department === q.department) &&
            (q.grade === undefined || (row.grade ?? "ungraded") === q.grade) &&
            (q.stage === undefined || row.stage === q.stage) &&
            (q.channel === undefined || row.channel === q.channel) &&
            matchesToBeConfirmed(row, q.toBeConfirmed),
        }),
      );
      const last = items[items.length - 1];
      return sendJson(reply, 200, {
        items: items.map(summaryRepresentation),
        nextCursor: more && last !== undefined ? encodeCursor(last) : null,
      });
    },
  );

  app.get(
    "/leads/:leadId",
    {
      schema: {
        tags: ["leads"],
        operationId: "getLead",
        summary: "A lead now, or as the ledger knew it at `asOf`",
        description:
          "Read from the event store, so always current; `ETag` is the revision `If-Match` expects. `integrity` says whether the lead's hash chain holds; when it does not, the header `Leadledger-Integrity: broken` says so too.",
        params: LEAD_ID_PARAMS,
        querystring: querySchema(GetLeadQuery),
        response: {
          200: jsonAnswer("lead", "The lead"),
          ...PROBLEM_RESPONSES,
        },
        security: [{ bearer: [] }],
      },
    },
    async (request, reply) => {
      const actor = context.actorOf(request);
      const decoded = decodePathAndQuery({ params: LeadIdParams, query: GetLeadQuery }, request);
      if (E.isLeft(decoded)) return sendProblem(reply, invalidInput(decoded.left));
      const { params, query } = decoded.right;
      const { asOf } = query;
      const found = await context.ledger.getLead(
        actor,
        params.leadId,
        asOf === undefined ? {} : { asOf },
      );
      if (E.isLeft(found)) return sendProblem(reply, problemOfLeadError(found.left));
      if (asOf === undefined) reply.header("etag", etagOf(found.right.revision));
      flagBrokenChain(reply, found.right.verification);
      return sendJson(reply, 200, leadRepresentation(found.right));
    },
  );

  app.get(
    "/leads/:leadId/history",
    {
      schema: {
        tags: ["leads"],
        operationId: "getLeadHistory",
        summary: "Every event of the lead, with actor, times, command id and hash-chain status",
        params: LEAD_ID_PARAMS,
        querystring: querySchema(HistoryQuery),
        response: { 200: jsonAnswer("history", "The lead's audit trail"), ...PROBLEM_RESPONSES },
        security: [{ bearer: [] }],
      },
    },
    async (request, reply) => {
      const actor = context.actorOf(request);
      const decoded = decodePathAndQuery({ params: LeadIdParams, query: HistoryQuery }, request);
      if (E.isLeft(decoded)) return sendProblem(reply, invalidInput(decoded.left));
      // Read from the event store, so always current: minPosition is accepted and met.
      const { params } = decoded.right;
      const history = await context.ledger.getHistory(actor, params.leadId);
      if (E.isLeft(history)) return sendProblem(reply, problemOfLeadError(history.left));
      const entries = history.right.entries;
      const lastRevision = entries[entries.length - 1]?.revision;
      if (lastRevision !== undefined) reply.header("etag", etagOf(lastRevision));
      flagBrokenChain(reply, history.right.verification);
      return sendJson(reply, 200, historyRepresentation(history.right));
    },
  );
};
