import {
  Channel,
  type GlobalPosition,
  type InputProblem,
  Instant,
  LeadId,
  positionFromString,
} from "@leadledger/core";
import { decodeUnchanged, inputProblemsOf, withExpectation } from "@leadledger/core/adapter";
import type { PipelineDimension, ReportDimension } from "@leadledger/projections";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { withJsonSchema } from "./json-schema.js";
import { Stage } from "./representation-codecs.js";

// Query strings arrive as text: these codecs read numbers, lists and positions out of it,
// each with the schema OpenAPI shows for it.

/** A whole number written in decimal, within bounds. */
export const integerText = (name: string, min: number, max: number): t.Type<number, string> =>
  withJsonSchema(
    withExpectation(
      new t.Type<number, string>(
        name,
        (u): u is number =>
          typeof u === "number" && Number.isSafeInteger(u) && u >= min && u <= max,
        (u, context) => {
          if (typeof u !== "string" || !/^-?[0-9]{1,12}$/.test(u)) return t.failure(u, context);
          const n = Number(u);
          return n >= min && n <= max ? t.success(n) : t.failure(u, context);
        },
        String,
      ),
      `a whole number from ${min} to ${max}`,
    ),
    { type: "integer", minimum: min, maximum: max },
  );

/** A comma-separated list of some of `values`, each at most once. */
export const listText = <K extends string>(
  name: string,
  values: readonly K[],
): t.Type<readonly K[], string> =>
  withJsonSchema(
    withExpectation(
      new t.Type<readonly K[], string>(
        name,
        (u): u is readonly K[] =>
          Array.isArray(u) && u.every((v) => typeof v === "string" && values.some((k) => k === v)),
        (u, context) => {
          if (typeof u !== "string") return t.failure(u, context);
          const parts = u === "" ? [] : u.split(",");
          const picked: K[] = [];
          for (const part of parts) {
            const value = values.find((k) => k === part);
            if (value === undefined || picked.includes(value)) return t.failure(u, context);
            picked.push(value);
          }
          return t.success(picked);
        },
        (list) => list.join(","),
      ),
      `a comma-separated list, each at most once, of: ${values.join(", ")}`,
    ),
    {
      type: "string",
      pattern: `^((${values.join("|")})(,(${values.join("|")}))*)?$`,
      description: `comma-separated, each at most once: ${values.join(", ")}`,
    },
  );

/** A global position as `positionToString` writes it. */
export const PositionText = withJsonSchema(
  withExpectation(
    new t.Type<GlobalPosition, string>(
      "Position",
      (u): u is GlobalPosition => typeof u === "bigint",
      (u, context) => {
        const position = typeof u === "string" ? positionFromString(u) : undefined;
        return position === undefined ? t.failure(u, context) : t.success(position);
      },
      (position) => position.toString(10),
    ),
    "a global position as a command returned it: a whole number, 0 or more, like 1042",
  ),
  {
    type: "string",
    pattern: "^(0|[1-9][0-9]{0,39})$",
    description: "a global position, as returned by a command",
  },
);

/** `2026-11` (a month) or `2026-Q4` (a quarter): a review period of the rep report. */
export interface ReviewPeriod {
  readonly granularity: "month" | "quarter";
  readonly year: number;
  /** The first month of the period, 0-based. */
  readonly firstMonth: number;
}
export const ReviewPeriodText = withJsonSchema(
  withExpectation(
    new t.Type<ReviewPeriod, string>(
      "ReviewPeriod",
      (u): u is ReviewPeriod => typeof u === "object" && u !== null && "granularity" in u,
      (u, context) => {
        if (typeof u !== "string") return t.failure(u, context);
        const month = /^([0-9]{4})-(0[1-9]|1[0-2])$/.exec(u);
        if (month !== null) {
          return t.success({
            granularity: "month",
            year: Number(month[1]),
            firstMonth: Number(month[2]) - 1,
          });
        }
        const quarter = /^([0-9]{4})-Q([1-4])$/.exec(u);
        if (quarter !== null) {
          return t.success({
            granularity: "quarter",
            year: Number(quarter[1]),
            firstMonth: (Number(quarter[2]) - 1) * 3,
          });
        }
        return t.failure(u, context);
      },
      (p) =>
        p.granularity === "month"
          ? `${p.year}-${String(p.firstMonth + 1).padStart(2, "0")}`
          : `${p.year}-Q${p.firstMonth / 3 + 1}`,
    ),
    "a month YYYY-MM, like 2026-11, or a quarter YYYY-Qn, like 2026-Q4",
  ),
  { type: "string", pattern: "^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$", examples: ["2026-Q4"] },
);

const PIPELINE_DIMENSIONS: readonly PipelineDimension[] = [
  "stage",
  "grade",
  "owner",
  "department",
  "channel",
  "sourceClass",
  "region",
  "industry",
];
const REPORT_DIMENSIONS: readonly ReportDimension[] = [
  "channel",
  "sourceClass",
  "owner",
  "department",
  "region",
  "industry",
  "period",
];

const PeriodGranularity = t.keyof({ day: null, week: null, month: null, quarter: null });
const UtcOffset = integerText("UtcOffsetMinutes", -720, 840);
const MinPosition = { minPosition: PositionText };
const Range = { from: Instant, to: Instant };
const ReportBreakdown = {
  by: listText("ReportDimensions", REPORT_DIMENSIONS),
  period: PeriodGranularity,
  utcOffsetMinutes: UtcOffset,
};

/** A search's text: at most `max` characters, and more than spaces. */
const searchText = (name: string, max: number, expected: string) =>
  withJsonSchema(
    withExpectation(
      t.refinement(
        t.string,
        (s): s is string => s.trim() !== "" && s.length <= max,
        name,
      ) as t.Type<string, string, unknown>,
      expected,
    ),
    { type: "string", minLength: 1, maxLength: max },
  );

/** The search parameters of `GET /leads` (docs/http.md, "Search"). */
const SEARCH = {
  q: searchText(
    "NameQuery",
    100,
    "a part of the company's or the person's name, 1 to 100 characters, like 华东",
  ),
  phone: searchText("PhoneQuery", 40, "a phone number in any format, like +86 138 0013 8000"),
  email: searchText("EmailQuery", 254, "an e-mail address, like wang@example.cn"),
};

/** `GET /leads`. */
export const ListLeadsQuery = t.partial({
  ...MinPosition,
  owner: t.string,
  department: t.string,
  grade: t.keyof({ high: null, medium: null, low: null, ungraded: null }),
  // The stages `GET /leads/{id}` answers and the pipeline breaks down by: one vocabulary.
  stage: Stage,
  channel: Channel,
  /** `true`: leads with fields to be confirmed; `false`: leads with none (docs/http.md). */
  toBeConfirmed: t.keyof({ true: null, false: null }, "ToBeConfirmedFilter"),
  limit: integerText("Limit", 1, 500),
  cursor: t.string,
  ...SEARCH,
});

/** `GET /leads/{id}`. */
export const GetLeadQuery = t.partial({ ...MinPosition, asOf: Instant });
/** `GET /leads/{id}/history`. */
export const HistoryQuery = t.partial(MinPosition);

/** `GET /views/completeness`: no parameter but the read-your-writes position. */
export const CompletenessQueryText = t.partial(MinPosition);

/** `GET /views/pipeline`. */
export const PipelineQueryText = t.partial({
  ...MinPosition,
  by: listText("PipelineDimensions", PIPELINE_DIMENSIONS),
});

/** `GET /views/conversion-rate`. */
export const ConversionRateQueryText = t.partial({
  ...MinPosition,
  ...Range,
  ...ReportBreakdown,
  basis: t.keyof({ cohort: null, period: null }),
  windowDays: integerText("WindowDays", 1, 3650),
});

/** `GET /views/follow-up-cycle` and `GET /views/timeliness`. */
export const RangeReportQueryText = t.partial({ ...MinPosition, ...Range, ...ReportBreakdown });

/** `GET /views/follow-ups`. */
export const FollowUpsQueryText = t.partial({
  ...MinPosition,
  horizonHours: integerText("HorizonHours", 0, 24 * 366),
  owner: t.string,
  limit: integerText("Limit", 1, 1000),
  utcOffsetMinutes: UtcOffset,
});

/** `GET /reports/reps`. */
export const RepReportQueryText = t.intersection([
  t.type({ period: ReviewPeriodText }),
  t.partial({
    ...MinPosition,
    utcOffsetMinutes: UtcOffset,
    windowDays: integerText("WindowDays", 1, 3650),
    horizonHours: integerText("HorizonHours", 0, 24 * 366),
  }),
]);

/** The lead id in a route's path. */
export const LeadIdParams = t.type({ leadId: LeadId });

/** The names an object codec (a type, a partial, or an intersection of them) knows. */
const knownKeysOf = (codec: t.Decoder<unknown, unknown>): readonly string[] | undefined => {
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) {
    return Object.keys(codec.props as t.Props);
  }
  if (codec instanceof t.ExactType) return knownKeysOf(codec.type);
  if (codec instanceof t.IntersectionType) {
    const parts = (codec.types as t.Mixed[]).map(knownKeysOf);
    return parts.every((part) => part !== undefined) ? parts.flat() : undefined;
  }
  return undefined;
};

/**
 * A query parameter the route does not take, or a member a closed body does not: refused,
 * not ignored, so that a misspelt filter (`?ower=`) never silently answers the unfiltered
 * list and a misspelt `at` never silently means now. The names come from the codec.
 */
const unknownNames = (
  codec: t.Decoder<unknown, unknown>,
  input: unknown,
  where: "query" | "body",
): InputProblem[] => {
  const known = knownKeysOf(codec);
  if (known === undefined || typeof input !== "object" || input === null) return [];
  if (Array.isArray(input)) return [];
  const unknown = Object.keys(input).filter((key) => !known.includes(key));
  const only = `only ${[...known].sort().join(", ")}`;
  return unknown.map((key) =>
    where === "query"
      ? {
          path: `query.${key}`,
          expected: `no such parameter: this route takes ${known.length === 0 ? "no parameters" : only}`,
          type: "UnknownParameter",
        }
      : {
          path: `body.${key}`,
          expected: `no such member: this body takes ${only}`,
          type: "UnknownMember",
        },
  );
};

/**
 * Decodes a request part; a failure names each bad field under `where` (`query`, `path`,
 * `header`, `body`), never the value that was sent. A query may hold no parameter its codec
 * lacks; neither may a body decoded with `closed` (the command bodies keep dropping what
 * their exact codecs do not know, as they always have).
 */
export const decodeRequestPart = <A>(
  codec: t.Decoder<unknown, A>,
  input: unknown,
  where: string,
  options?: { readonly closed?: boolean },
): E.Either<readonly InputProblem[], A> => {
  const unknown =
    where === "query"
      ? unknownNames(codec, input, "query")
      : where === "body" && options?.closed === true
        ? unknownNames(codec, input, "body")
        : [];
  // Bodies usually need no decoding at all: the shortcut answers those without io-ts's work.
  const decoded = decodeUnchanged(codec, input ?? {});
  if (E.isRight(decoded) && unknown.length === 0) return E.right(decoded.right);
  return E.left([...(E.isLeft(decoded) ? inputProblemsOf(decoded.left, where) : []), ...unknown]);
};

/** Decodes a request's path parameters and query together, reporting the problems of both. */
export const decodePathAndQuery = <P, Q>(
  codecs: { readonly params: t.Decoder<unknown, P>; readonly query: t.Decoder<unknown, Q> },
  request: { readonly params: unknown; readonly query: unknown },
): E.Either<readonly InputProblem[], { readonly params: P; readonly query: Q }> => {
  const params = decodeRequestPart(codecs.params, request.params, "path");
  const query = decodeRequestPart(codecs.query, request.query, "query");
  if (E.isRight(params) && E.isRight(query)) {
    return E.right({ params: params.right, query: query.right });
  }
  return E.left([...(E.isLeft(params) ? params.left : []), ...(E.isLeft(query) ? query.left : [])]);
};
