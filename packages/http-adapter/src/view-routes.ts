import type { Actor } from "@leadledger/core";
import {
  completeness,
  conversionRate,
  followUpCycle,
  followUpsDue,
  pipeline,
  repPeriodReport,
  timeliness,
} from "@leadledger/projections";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { completenessRepresentation } from "./completeness-representation.js";
import { followUpsWithNames } from "./follow-ups-worklist.js";
import { type JsonSchema, toJsonSchema, withPropertyExamples } from "./json-schema.js";
import { invalidInput, type ProblemDetails, sendProblem } from "./problem.js";
import {
  CompletenessQueryText,
  ConversionRateQueryText,
  decodeRequestPart,
  FollowUpsQueryText,
  PipelineQueryText,
  PositionText,
  RangeReportQueryText,
  RepReportQueryText,
} from "./query-codecs.js";
import { repReportWithNames } from "./rep-report-names.js";
import {
  type ANSWER_SCHEMA_IDS,
  addAnswerSchemas,
  jsonAnswer,
  PROBLEM_RESPONSES,
} from "./response-schemas.js";
import { type RouteContext, type SummaryRows, sendJson } from "./route-context.js";
import {
  conversionRateRepresentation,
  type FollowUpsViewAnswer,
  followUpCycleRepresentation,
  followUpsRepresentation,
  pipelineRepresentation,
  type RepReportViewAnswer,
  repReportRepresentation,
  timelinessRepresentation,
} from "./view-representations.js";

const MINUTE = 60_000;
/** Leads listed per owner in the follow-ups view unless `limit` says otherwise. */
const FOLLOW_UPS_LISTED_PER_OWNER = 100;
const DAY = 86_400_000;

// A view is a pure function of the rows and its parameters, and the runner hands out the
// same rows array until its next commit: an answer computed once serves every identical
// query until then. Views that depend on "now" see it to the minute so that they can be
// kept too.
const MAX_KEPT_PER_ROWS = 256;
type Answer = E.Either<ProblemDetails, unknown>;
const kept = new WeakMap<SummaryRows, Map<string, Answer>>();
const keptAnswer = (rows: SummaryRows, key: string): Answer | undefined => kept.get(rows)?.get(key);
const memoised = (rows: SummaryRows, key: string, compute: () => Answer): Answer => {
  const known = keptAnswer(rows, key);
  if (known !== undefined) return known;
  let answers = kept.get(rows);
  if (answers === undefined) {
    answers = new Map();
    kept.set(rows, answers);
  }
  const answer = compute();
  if (answers.size >= MAX_KEPT_PER_ROWS) answers.clear();
  answers.set(key, answer);
  return answer;
};

const viewerKey = (actor: Actor): string =>
  `${actor.role}\u001f${actor.department}\u001f${actor.id}`;

/** A query's range: `[from, to)`, by default the year up to the end of today. */
const rangeOf = (
  query: { readonly from?: string; readonly to?: string },
  now: number,
  offsetMinutes: number,
): E.Either<ProblemDetails, { readonly from: number; readonly to: number }> => {
  const shift = offsetMinutes * MINUTE;
  const endOfToday = Math.floor((now + shift) / DAY) * DAY + DAY - shift;
  const to = query.to === undefined ? endOfToday : Date.parse(query.to);
  const from = query.from === undefined ? to - 365 * DAY : Date.parse(query.from);
  if (from > to) {
    return E.left(invalidInput([{ path: "query.from", expected: "an instant not after `to`" }]));
  }
  return E.right({ from, to });
};

interface ViewRoute<Q> {
  readonly url: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  /** The shared schema of its answer. */
  readonly answerSchema: keyof typeof ANSWER_SCHEMA_IDS;
  readonly query: t.Decoder<unknown, Q> & t.Mixed;
  /** Query parameters shown filled in: a request the route answers with 200. */
  readonly queryExamples?: Readonly<Record<string, unknown>>;
  readonly answer: (
    rows: SummaryRows,
    query: Q,
    viewer: Actor,
    now: number,
  ) => E.Either<ProblemDetails, unknown>;
  /**
   * Adds to a computed answer, on every request, what must never be kept with it: the
   * worklist's names, opened with keys a purge may destroy at any moment.
   */
  readonly completed?: (answer: unknown) => Promise<Answer>;
}

/** A view route with its query type hidden: it decodes its own query. */
interface RegisteredView {
  readonly url: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly answerSchema: keyof typeof ANSWER_SCHEMA_IDS;
  readonly querySchema: JsonSchema;
  readonly answer: (rows: SummaryRows, rawQuery: unknown, viewer: Actor, now: number) => Answer;
  readonly completed?: (answer: unknown) => Promise<Answer>;
}

const viewRoute = <Q>(route: ViewRoute<Q>): RegisteredView => ({
  url: route.url,
  operationId: route.operationId,
  summary: route.summary,
  description: route.description,
  answerSchema: route.answerSchema,
  querySchema: withPropertyExamples(toJsonSchema(route.query), route.queryExamples ?? {}),
  ...(route.completed === undefined ? {} : { completed: route.completed }),
  answer: (rows, rawQuery, viewer, now) => {
    const query = decodeRequestPart(route.query, rawQuery, "query");
    return E.isLeft(query)
      ? E.left(invalidInput(query.left))
      : route.answer(rows, query.right, viewer, now);
  },
});

const MinPositionQuery = t.partial({ minPosition: PositionText });

/** Registers the views and the rep report: each reads the read model, scoped to the caller. */
export const registerViewRoutes = (app: FastifyInstance, context: RouteContext): void => {
  addAnswerSchemas(app);
  const offsetOf = (query: { readonly utcOffsetMinutes?: number }): number =>
    query.utcOffsetMinutes ?? context.utcOffsetMinutes;
  const routes: readonly RegisteredView[] = [
    viewRoute({
      url: "/views/pipeline",
      operationId: "getPipeline",
      summary:
        "Pipeline: active leads (every stage but purged) by stage, grade, owner, department, source",
      description:
        "Active leads are the leads not purged, converted ones included as the last stage (docs/metrics.md §3.1); `stage` groups them as `new`, `contacted`, `visited` and `converted`. `by` picks the breakdown, e.g. `stage,grade`; without it one total.",
      answerSchema: "pipeline",
      query: PipelineQueryText,
      queryExamples: { by: "stage,grade" },
      answer: (rows, query, viewer) =>
        E.right(
          pipelineRepresentation(
            pipeline(rows, { viewer, ...(query.by === undefined ? {} : { by: query.by }) }),
          ),
        ),
    }),
    viewRoute({
      url: "/views/completeness",
      operationId: "getCompleteness",
      summary:
        "Completeness of entries (錄入): leads with capture fields to be confirmed (待确认), and which fields",
      description:
        "Over the active leads (every stage but purged, docs/metrics.md §3.7): in all, per department and per owner, the leads, those with at least one field to be confirmed over those whose list is known, the leads captured before the list was kept (`notKnown`), and per field how many leads have it open, most often open first.",
      answerSchema: "completeness",
      query: CompletenessQueryText,
      answer: (rows, _query, viewer) =>
        E.right(completenessRepresentation(completeness(rows, { viewer }))),
    }),
    viewRoute({
      url: "/views/conversion-rate",
      operationId: "getConversionRate",
      answerSchema: "conversionRate",
      queryExamples: { basis: "cohort", by: "channel" },
      summary: "Conversion rate (轉化率), numerator and denominator with every rate",
      description:
        "`basis=cohort` (default): leads acquired in [from, to) and followed up, converted within `windowDays`; `basis=period`: conversions in the range over leads under follow-up in it. Range defaults to the year up to the end of today.",
      query: ConversionRateQueryText,
      answer: (rows, query, viewer, now) => {
        const range = rangeOf(query, now, offsetOf(query));
        if (E.isLeft(range)) return range;
        return E.right(
          conversionRateRepresentation(
            conversionRate(rows, {
              viewer,
              range: range.right,
              basis: query.basis ?? "cohort",
              utcOffsetMinutes: offsetOf(query),
              ...(query.by === undefined ? {} : { by: query.by }),
              ...(query.period === undefined ? {} : { period: query.period }),
              ...(query.windowDays === undefined ? {} : { windowDays: query.windowDays }),
            }),
          ),
        );
      },
    }),
    viewRoute({
      url: "/views/follow-up-cycle",
      operationId: "getFollowUpCycle",
      answerSchema: "followUpCycle",
      queryExamples: { by: "owner" },
      summary: "Follow-up cycle (跟進週期): first follow-up to conversion, in days",
      description: "Over the leads converted in [from, to): count, mean, median, 90th percentile.",
      query: RangeReportQueryText,
      answer: (rows, query, viewer, now) => {
        const range = rangeOf(query, now, offsetOf(query));
        if (E.isLeft(range)) return range;
        return E.right(
          followUpCycleRepresentation(
            followUpCycle(rows, {
              viewer,
              range: range.right,
              utcOffsetMinutes: offsetOf(query),
              ...(query.by === undefined ? {} : { by: query.by }),
              ...(query.period === undefined ? {} : { period: query.period }),
            }),
          ),
        );
      },
    }),
    viewRoute({
      url: "/views/timeliness",
      operationId: "getTimeliness",
      answerSchema: "timeliness",
      queryExamples: { by: "period", period: "month" },
      summary: "Follow-up timeliness (跟進及時率) and entry timeliness, within 24 h",
      description:
        "Over the leads acquired in [from, to); first contacts not yet due are left out.",
      query: RangeReportQueryText,
      answer: (rows, query, viewer, now) => {
        const range = rangeOf(query, now, offsetOf(query));
        if (E.isLeft(range)) return range;
        return E.right(
          timelinessRepresentation(
            timeliness(rows, {
              viewer,
              now,
              range: range.right,
              utcOffsetMinutes: offsetOf(query),
              ...(query.by === undefined ? {} : { by: query.by }),
              ...(query.period === undefined ? {} : { period: query.period }),
            }),
          ),
        );
      },
    }),
    viewRoute({
      url: "/views/follow-ups",
      operationId: "getFollowUps",
      answerSchema: "followUps",
      queryExamples: { horizonHours: 48 },
      summary: "Due and overdue follow-ups per owner",
      description: `Due: falling due within \`horizonHours\` (default 24) from now; overdue: past its deadline. An agreed follow-up day is due during that day and overdue once it is over, in the calendar of \`utcOffsetMinutes\`. \`owner\` keeps one rep's leads, in the lists and the totals alike. Each owner lists at most \`limit\` leads (1–1000, default ${FOLLOW_UPS_LISTED_PER_OWNER}), the most urgent first; \`due\` and \`overdue\` count them all.`,
      query: FollowUpsQueryText,
      answer: (rows, query, viewer, now) => {
        const report = followUpsDue(rows, {
          viewer,
          now,
          maxLeadsPerOwner: query.limit ?? FOLLOW_UPS_LISTED_PER_OWNER,
          utcOffsetMinutes: offsetOf(query),
          ...(query.owner === undefined ? {} : { ownerId: query.owner }),
          ...(query.horizonHours === undefined ? {} : { horizonHours: query.horizonHours }),
        });
        return E.right(followUpsRepresentation(report, now));
      },
      completed: (view) =>
        followUpsWithNames(context, view as t.TypeOf<typeof FollowUpsViewAnswer>),
    }),
    viewRoute({
      url: "/reports/reps",
      operationId: "getRepReport",
      answerSchema: "repReport",
      summary: "Per-rep review: `period=2026-11` (monthly light) or `2026-Q4` (quarterly full)",
      description:
        "Effective leads gained, timeliness, cohort and period conversion, cycle, due and overdue follow-ups, per rep.",
      query: RepReportQueryText,
      answer: (rows, query, viewer, now) => {
        const offset = offsetOf(query);
        const { granularity, year, firstMonth } = query.period;
        // The second day of the period's first month, in the report's calendar: inside it
        // whatever the offset.
        const containing = Date.UTC(year, firstMonth, 2) - offset * MINUTE;
        const report = repPeriodReport(rows, {
          viewer,
          granularity,
          containing,
          now,
          utcOffsetMinutes: offset,
          ...(query.windowDays === undefined ? {} : { windowDays: query.windowDays }),
          ...(query.horizonHours === undefined ? {} : { horizonHours: query.horizonHours }),
        });
        return E.right(repReportRepresentation(report));
      },
      completed: (view) =>
        repReportWithNames(context, view as t.TypeOf<typeof RepReportViewAnswer>),
    }),
  ];

  for (const route of routes) {
    app.get(
      route.url,
      {
        schema: {
          tags: ["views"],
          operationId: route.operationId,
          summary: route.summary,
          description: `${route.description} Scoped to the caller: a rep sees own leads, a head the department, an executive all. \`minPosition\` waits for the read model to include a write.`,
          querystring: route.querySchema,
          response: { 200: jsonAnswer(route.answerSchema, "The view"), ...PROBLEM_RESPONSES },
          security: [{ bearer: [] }],
        },
      },
      (request: FastifyRequest, reply: FastifyReply) => answerView(context, route, request, reply),
    );
  }
};

const answerView = async (
  context: RouteContext,
  route: RegisteredView,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> => {
  const viewer = context.actorOf(request);
  // Only minPosition here: the view's own codec reads, and checks, the whole query below.
  const asked = (request.query ?? {}) as { readonly minPosition?: unknown };
  const position = decodeRequestPart(
    MinPositionQuery,
    asked.minPosition === undefined ? {} : { minPosition: asked.minPosition },
    "query",
  );
  if (E.isLeft(position)) return sendProblem(reply, invalidInput(position.left));
  const waited = await context.readYourWrites(position.right.minPosition);
  if (E.isLeft(waited)) return sendProblem(reply, waited.left);
  const now = Math.floor(context.clock() / MINUTE) * MINUTE;
  const rows = context.readModel.summaries();
  // Fastify parses a query string into plain strings (arrays for repeated keys): as JSON
  // it keys the answer exactly as the decoder will read it.
  const raw: Record<string, unknown> = { ...(request.query ?? {}) };
  delete raw.minPosition;
  const key = `${route.url}\u001f${viewerKey(viewer)}\u001f${now}\u001f${JSON.stringify(raw)}`;
  // A kept answer is sent at once; one to compute waits for its turn (see turn-queue.ts),
  // over the rows as they were when the request was read, and is looked for again then:
  // an identical query queued before may have computed it.
  const answer =
    keptAnswer(rows, key) ??
    (await context.inTurn(() =>
      memoised(rows, key, () => route.answer(rows, request.query, viewer, now)),
    ));
  if (E.isLeft(answer)) return sendProblem(reply, answer.left);
  const completed = route.completed === undefined ? answer : await route.completed(answer.right);
  return E.isLeft(completed)
    ? sendProblem(reply, completed.left)
    : sendJson(reply, 200, completed.right);
};
