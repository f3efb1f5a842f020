import { type HistoryVerification, LeadId } from "@leadledger/core";
import {
  canSee,
  type LeadSummary,
  normaliseSearchText,
  type OpenedCard,
  type Worklist,
  type WorklistSearch,
} from "@leadledger/projections";
import type { FastifyInstance, FastifyReply } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { type JsonSchema, toJsonSchema, withPropertyExamples } from "./json-schema.js";
import { type LeadCursor, leadPage } from "./lead-page.js";
import { searchPage } from "./lead-search-page.js";
import { pageOfWholeWalk } from "./newest-rows.js";
import { matchesToBeConfirmed } from "./open-fields-filter.js";
import {
  httpProblem,
  invalidInput,
  type ProblemDetails,
  problemOfLeadError,
  sendProblem,
} from "./problem.js";
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
import { type RouteContext, type SummaryRows, sendJson } from "./route-context.js";
import { candidateRows, rowsToWalk } from "./row-groups.js";
import {
  cardsOfScopedRows,
  ownerNamesOf,
  worklistFactsOf,
  worklistUnavailable,
} from "./worklist-facts.js";

/** A cursor that is not one this list handed out: in words, with the codec's name. */
const BAD_CURSOR = {
  path: "query.cursor",
  expected: "the nextCursor of an earlier page of this list, passed back unchanged",
  type: "Cursor",
};

/** A name query of spaces and invisible characters only: it would match every lead. */
const BLANK_NAME_QUERY = {
  path: "query.q",
  expected: "a part of the company's or the person's name with at least one visible character",
  type: "NameQuery",
};

const DEFAULT_PAGE = 50;
/** The list's parameters that choose a page, not the leads: see `wholeWalk`. */
const PAGE_PARAMETERS: ReadonlySet<string> = new Set(["limit", "cursor", "minPosition"]);

/** The search a list query asks for, if any. */
const searchOf = (query: {
  readonly q?: string;
  readonly phone?: string;
  readonly email?: string;
}): WorklistSearch | undefined =>
  query.q === undefined && query.phone === undefined && query.email === undefined
    ? undefined
    : {
        ...(query.q === undefined ? {} : { name: query.q }),
        ...(query.phone === undefined ? {} : { phone: query.phone }),
        ...(query.email === undefined ? {} : { email: query.email }),
      };

/** A page of the list with its total and the cards of its rows. */
interface FoundPage {
  readonly items: readonly LeadSummary[];
  readonly more: boolean;
  readonly total: number;
  readonly totalIsEstimate: boolean;
  readonly cards: ReadonlyMap<string, OpenedCard>;
}

interface PageQuery {
  readonly after: LeadCursor | undefined;
  readonly limit: number;
  /** The caller's scope and the list's filters. */
  readonly matches: (row: LeadSummary) => boolean;
  /**
   * The rows to walk: every row `matches` can keep (the caller's own, or their
   * department's), so that a page costs what the caller may see, not all the rows.
   */
  readonly walk: SummaryRows;
  /** Every row of `walk` passes `matches`: the caller's whole scope, and no filter. */
  readonly wholeWalk: boolean;
}

/** The list without a search: its page in turn, then the cards of that page's rows only. */
const listPage = async (
  context: RouteContext,
  query: PageQuery,
): Promise<E.Either<ProblemDetails, FoundPage>> => {
  const page = await context.inTurn(
    () =>
      (query.wholeWalk ? pageOfWholeWalk(query.walk, query.after, query.limit) : undefined) ??
      leadPage(query.walk, query),
  );
  const cards = await cardsOfScopedRows(context, page.items);
  if (E.isLeft(cards)) return cards;
  return E.right({ ...page, totalIsEstimate: false, cards: cards.right });
};

/**
 * A search: the leads indexed under the search's terms, kept to the caller's scope and the
 * list's filters before any card is opened, then checked card by card in list order.
 */
const searchedPage = async (
  worklist: Worklist,
  rows: SummaryRows,
  search: WorklistSearch,
  query: PageQuery,
): Promise<E.Either<ProblemDetails, FoundPage>> => {
  const prepared = worklist.prepare(search);
  const candidates = await worklist.candidates(prepared);
  if (E.isLeft(candidates)) return E.left(worklistUnavailable(candidates.left));
  // Looked up by lead id (or the rows to walk looked up among the candidates, whichever are
  // fewer): a search costs its candidates, not a pass over every row.
  const scoped = candidateRows(rows, query.walk, candidates.right, query.matches);
  const page = await searchPage({
    after: query.after,
    limit: query.limit,
    candidates: scoped,
    exact: prepared.exact,
    open: (leadIds) => worklist.openCards(leadIds),
    isMatch: (card) => worklist.matches(card, prepared),
  });
  return E.isLeft(page) ? E.left(worklistUnavailable(page.left)) : page;
};

/**
 * A search in its turn, as a list's page is picked in its turn (turn-queue.ts): its reads
 * resolve at once (SQLite is synchronous), so the whole search runs in that turn.
 */
const searchIn = async (
  context: RouteContext,
  worklist: Worklist,
  rows: SummaryRows,
  search: WorklistSearch,
  query: PageQuery,
): Promise<E.Either<ProblemDetails, FoundPage>> =>
  await context.inTurn(() => searchedPage(worklist, rows, search, query));

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
        summary: "List and search the leads the caller may see, with their names",
        description:
          "Newest acquisitions first. Pass `nextCursor` back as `cursor` for the next page; `total` counts every lead the query finds. `stage` is one of the stages of docs/metrics.md §1 (`new`, `contacted`, `visited`, `converted`, `purged`), as `GET /leads/{id}` and the pipeline name them. Each row carries the lead's display name and main contact (opened only for leads in the caller's scope; `redacted` after a purge) and the owner's display name. Search: `q` finds a part of the company's or the person's name (spaces and letter case aside), `phone` and `email` a number or address exactly as duplicate detection compares them; a purged lead is never found. A server without a search index answers a search 501 `search.unavailable`.",
        querystring: withPropertyExamples(querySchema(ListLeadsQuery), {
          stage: "contacted",
          limit: 20,
          q: "华东",
          phone: "+86 138 0013 8000",
          email: "wangfang@example.cn",
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
      const search = searchOf(q);
      if (search !== undefined) {
        if (context.worklist === undefined) {
          return sendProblem(reply, httpProblem("search.unavailable"));
        }
        if (search.name !== undefined && normaliseSearchText(search.name) === "") {
          return sendProblem(reply, invalidInput([BLANK_NAME_QUERY]));
        }
      }
      const waited = await context.readYourWrites(q.minPosition);
      if (E.isLeft(waited)) return sendProblem(reply, waited.left);
      const rows = context.readModel.summaries();
      const limit = q.limit ?? DEFAULT_PAGE;
      const matches = (row: LeadSummary): boolean =>
        canSee(actor, row) &&
        (q.owner === undefined || row.ownerId === q.owner) &&
        (q.department === undefined || row.department === q.department) &&
        (q.grade === undefined || (row.grade ?? "ungraded") === q.grade) &&
        (q.stage === undefined || row.stage === q.stage) &&
        (q.channel === undefined || row.channel === q.channel) &&
        matchesToBeConfirmed(row, q.toBeConfirmed);
      const walk = rowsToWalk(rows, actor, { owner: q.owner, department: q.department });
      // Whether every row of the walk is the caller's to see and no parameter filters them:
      // an executive's rows or a head's department's (a rep's own rows may include some of
      // another department). Only the page's parameters are allowed, so that a filter added
      // later is never overlooked.
      const wholeWalk =
        (actor.role === "executive" || actor.role === "head") &&
        Object.keys(q).every((key) => PAGE_PARAMETERS.has(key));
      const pageQuery: PageQuery = { after: cursor, limit, matches, walk, wholeWalk };
      const found =
        search === undefined || context.worklist === undefined
          ? await listPage(context, pageQuery)
          : await searchIn(context, context.worklist, rows, search, pageQuery);
      if (E.isLeft(found)) return sendProblem(reply, found.left);
      const { items, more, total, totalIsEstimate, cards } = found.right;
      const owners = await ownerNamesOf(context, items);
      if (E.isLeft(owners)) return sendProblem(reply, owners.left);
      const last = items[items.length - 1];
      return sendJson(reply, 200, {
        items: items.map((row) => ({
          ...summaryRepresentation(row),
          ...worklistFactsOf(
            row.stage === "purged",
            cards.get(row.leadId),
            owners.right.get(row.ownerId) ?? null,
          ),
        })),
        nextCursor: more && last !== undefined ? encodeCursor(last) : null,
        total,
        totalIsEstimate,
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
