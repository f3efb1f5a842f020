import type { FastifyInstance } from "fastify";
import type * as t from "io-ts";
import { CompletenessAnswer } from "./completeness-representation.js";
import { HandOverAnswer } from "./hand-over-representation.js";
import { type JsonSchema, toAnswerSchema } from "./json-schema.js";
import { MeAnswer } from "./me-answer.js";
import { PeopleAnswer, PersonAnswer } from "./people-routes-codecs.js";
import { PROBLEM_CODES, PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_PREFIX } from "./problem.js";
import {
  HistoryAnswer,
  LeadAnswer,
  OutcomeAnswer,
  SummaryPageAnswer,
} from "./representation-codecs.js";
import {
  ApiTokenAnswer,
  ApiTokenListAnswer,
  IssuedApiTokenAnswer,
} from "./token-representations.js";
import {
  ConversionRateAnswer,
  FollowUpCycleAnswer,
  FollowUpsAnswer,
  PipelineAnswer,
  RepReportAnswer,
  TimelinessAnswer,
} from "./view-representations.js";

// The answers' schemas, registered once per plugin with `addSchema` so that OpenAPI tools
// (@fastify/swagger) show each as one named component that the routes refer to. They
// document the answers and are never used to filter or check them: the plugin serialises
// with JSON.stringify. The tests validate every answer against them.

const named = (id: string, description: string, codec: t.Mixed): JsonSchema => ({
  $id: id,
  ...toAnswerSchema(codec),
  description,
});

const text = { type: "string" } as const;

/**
 * An RFC 9457 problem. Open: besides the members every problem has, each carries its
 * error's non-personal details (docs/errors.md), those named here among them.
 */
export const PROBLEM_SCHEMA: JsonSchema = {
  $id: "Problem",
  type: "object",
  description: `${PROBLEM_MEDIA_TYPE} (RFC 9457): \`code\` is stable, the other members are the error's non-personal details (docs/http.md, docs/errors.md)`,
  properties: {
    type: {
      type: "string",
      pattern: `^${PROBLEM_TYPE_PREFIX}`,
      examples: [`${PROBLEM_TYPE_PREFIX}lead.not-found`],
    },
    title: text,
    status: { type: "integer", minimum: 400, maximum: 599 },
    code: { type: "string", enum: [...PROBLEM_CODES], examples: ["lead.not-found"] },
    detail: text,
    problems: {
      type: "array",
      description: "`input.invalid`: each part of the request that is wrong, never its value",
      items: {
        type: "object",
        properties: {
          path: { type: "string", examples: ["body.party.companyName"] },
          expected: {
            type: "string",
            description:
              "what is expected there, in words: the format with an example, or the allowed values",
            examples: [
              "a calendar date YYYY-MM-DD, like 2026-11-20 (a day that exists, years 1583–9999)",
            ],
          },
          type: {
            type: "string",
            description: "the name of the codec that refused the value, for programs",
            examples: ["CalendarDate"],
          },
        },
        required: ["path", "expected"],
        additionalProperties: false,
      },
    },
    leadId: text,
    existingLeadId: { type: "string", description: "`lead.duplicate`, when the caller reaches it" },
    matchedOn: { type: "string", enum: ["phone", "email"] },
    hoursLate: { type: "number" },
    occurredAt: text,
    acquiredAt: text,
    now: text,
    nextFollowUpOn: text,
    contactOn: text,
    firstFollowUpAt: { type: ["string", "null"] },
    expected: { type: "string", description: "the revision `If-Match` or the rule expected" },
    actual: { type: "string", description: "the lead's revision" },
    reason: text,
    commandId: text,
    minPosition: text,
    checkpoint: { type: ["string", "null"] },
    personId: { type: "string", description: "`person.*`: the person the command named" },
    stream: text,
  },
  required: ["type", "title", "status", "code"],
};

/** The `$id` of every shared answer schema, by what it describes. */
export const ANSWER_SCHEMA_IDS = {
  problem: "Problem",
  outcome: "CommandOutcome",
  lead: "Lead",
  history: "LeadHistory",
  summaryPage: "LeadSummaryPage",
  pipeline: "Pipeline",
  conversionRate: "ConversionRate",
  followUpCycle: "FollowUpCycle",
  timeliness: "Timeliness",
  followUps: "FollowUps",
  repReport: "RepReport",
  completeness: "Completeness",
  person: "Person",
  people: "People",
  handOver: "HandOverReport",
  me: "Me",
  apiToken: "ApiToken",
  issuedApiToken: "IssuedApiToken",
  apiTokenList: "ApiTokenList",
} as const;
type AnswerName = keyof typeof ANSWER_SCHEMA_IDS;

/** Every shared schema the routes refer to, with its `$id`. */
export const ANSWER_SCHEMAS: readonly JsonSchema[] = [
  PROBLEM_SCHEMA,
  named(
    ANSWER_SCHEMA_IDS.outcome,
    "The command's outcome; the `ETag` header carries the new revision",
    OutcomeAnswer,
  ),
  named(
    ANSWER_SCHEMA_IDS.lead,
    "The lead's state (personal data `{ redacted: true }` after a purge), its revision and whether its history can be trusted",
    LeadAnswer,
  ),
  named(
    ANSWER_SCHEMA_IDS.history,
    "Every event of the lead with who, when, which command, and its link of the hash chain",
    HistoryAnswer,
  ),
  named(
    ANSWER_SCHEMA_IDS.summaryPage,
    "A page of the read model's non-personal rows, newest acquisition first",
    SummaryPageAnswer,
  ),
  named(
    ANSWER_SCHEMA_IDS.pipeline,
    "Active leads (every stage but `purged`) in total and per group",
    PipelineAnswer,
  ),
  named(
    ANSWER_SCHEMA_IDS.conversionRate,
    "Numerator, denominator and rate, in total and per group",
    ConversionRateAnswer,
  ),
  named(
    ANSWER_SCHEMA_IDS.followUpCycle,
    "Days from first follow-up to conversion: count, mean, median, p90",
    FollowUpCycleAnswer,
  ),
  named(
    ANSWER_SCHEMA_IDS.timeliness,
    "First-contact and entry timeliness (24 h), in total and per group",
    TimelinessAnswer,
  ),
  named(ANSWER_SCHEMA_IDS.followUps, "Due and overdue follow-ups per owner", FollowUpsAnswer),
  named(ANSWER_SCHEMA_IDS.repReport, "The review period's figures per rep", RepReportAnswer),
  named(
    ANSWER_SCHEMA_IDS.completeness,
    "Leads with capture fields to be confirmed, and which fields, in all, per department and per owner",
    CompletenessAnswer,
  ),
  named(
    ANSWER_SCHEMA_IDS.person,
    "A person of the organisation: work name, role, department, and whether they have left",
    PersonAnswer,
  ),
  named(ANSWER_SCHEMA_IDS.people, "The people the caller may see, as of `asOf`", PeopleAnswer),
  named(ANSWER_SCHEMA_IDS.handOver, "What a hand-over moved, lead by lead", HandOverAnswer),
  named(ANSWER_SCHEMA_IDS.me, "Who the caller is, what it reaches and may do", MeAnswer),
  named(
    ANSWER_SCHEMA_IDS.apiToken,
    "An API token: never the token, never its hash",
    ApiTokenAnswer,
  ),
  named(
    ANSWER_SCHEMA_IDS.issuedApiToken,
    "An API token just issued, with the token itself, shown this once",
    IssuedApiTokenAnswer,
  ),
  named(ANSWER_SCHEMA_IDS.apiTokenList, "API tokens, oldest first", ApiTokenListAnswer),
];

/** A reference to a shared answer schema. */
export const answerRef = (name: AnswerName): JsonSchema => ({
  $ref: `${ANSWER_SCHEMA_IDS[name]}#`,
});

/**
 * Adds the shared answer schemas to the plugin's scope, unless they are there already
 * (a route module may come after another one).
 */
export const addAnswerSchemas = (app: FastifyInstance): void => {
  for (const schema of ANSWER_SCHEMAS) {
    if (app.getSchema(String(schema.$id)) === undefined) app.addSchema(schema);
  }
};

/** A success answer: JSON of a shared schema. */
export const jsonAnswer = (name: AnswerName, description: string): JsonSchema => ({
  description,
  content: { "application/json": { schema: answerRef(name) } },
});

const problemAnswer = (description: string): JsonSchema => ({
  description,
  content: { [PROBLEM_MEDIA_TYPE]: { schema: answerRef("problem") } },
});

/** The problem answers every authenticated route may give. */
export const PROBLEM_RESPONSES: Readonly<Record<string, JsonSchema>> = {
  "4XX": problemAnswer("A problem with the request: see `code` (docs/http.md, Errors)"),
  "5XX": problemAnswer("The store or read model is unavailable (503, `Retry-After`), or a bug"),
};
