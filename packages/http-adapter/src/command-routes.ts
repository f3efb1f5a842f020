import {
  AmendLead,
  AssignLead,
  CaptureLead,
  ClearPurgeFlag,
  CommandId,
  ConvertLead,
  FlagForPurge,
  GradeLead,
  type InputProblem,
  type LeadCommandType,
  LeadId,
  newTimeOrderedId,
  PurgeLead,
  RecordContact,
  RecordVisit,
} from "@leadledger/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { type JsonSchema, reshapeObjectSchema, toJsonSchema } from "./json-schema.js";
import { invalidInput, problemOfLeadError, sendProblem } from "./problem.js";
import { decodeRequestPart, LeadIdParams } from "./query-codecs.js";
import { etagOf, outcomeRepresentation } from "./representations.js";
import { COMMAND_EXAMPLES, idempotencyKeyExample } from "./request-examples.js";
import { addAnswerSchemas, answerRef, PROBLEM_RESPONSES } from "./response-schemas.js";
import { type RouteContext, sendJson } from "./route-context.js";

/** One command route: which core command its body becomes. */
interface CommandRoute {
  readonly method: "POST" | "DELETE";
  readonly url: string;
  readonly type: LeadCommandType;
  readonly codec: t.Mixed;
  readonly summary: string;
}

/** The OpenAPI `operationId` of a command's route: the command's name, `recordContact`. */
export const commandOperationId = (type: LeadCommandType): string =>
  `${type.charAt(0).toLowerCase()}${type.slice(1)}`;

/** The routes of the commands on an existing lead, `:leadId` from the path. */
export const LEAD_COMMAND_ROUTES: readonly CommandRoute[] = [
  {
    method: "POST",
    url: "/leads/:leadId/contacts",
    type: "RecordContact",
    codec: RecordContact,
    summary: "Record a contact (跟進, 溝通記錄)",
  },
  {
    method: "POST",
    url: "/leads/:leadId/visits",
    type: "RecordVisit",
    codec: RecordVisit,
    summary: "Record a visit or on-site inspection (實地拜訪)",
  },
  {
    method: "POST",
    url: "/leads/:leadId/grades",
    type: "GradeLead",
    codec: GradeLead,
    summary: "Grade the lead by rule or by hand (合作意向評估)",
  },
  {
    method: "POST",
    url: "/leads/:leadId/conversion",
    type: "ConvertLead",
    codec: ConvertLead,
    summary: "Record the signed contract (签订合同)",
  },
  {
    method: "POST",
    url: "/leads/:leadId/assignment",
    type: "AssignLead",
    codec: AssignLead,
    summary: "Hand the lead to another rep (跟进责任人)",
  },
  {
    method: "POST",
    url: "/leads/:leadId/amendments",
    type: "AmendLead",
    codec: AmendLead,
    summary: "Correct or fill in capture details (及时更新)",
  },
  {
    method: "POST",
    url: "/leads/:leadId/purge-flag",
    type: "FlagForPurge",
    codec: FlagForPurge,
    summary: "Flag the lead for purge (标注)",
  },
  {
    method: "DELETE",
    url: "/leads/:leadId/purge-flag",
    type: "ClearPurgeFlag",
    codec: ClearPurgeFlag,
    summary: "Clear the purge flag after a re-check (再次核实)",
  },
  {
    method: "POST",
    url: "/leads/:leadId/purge",
    type: "PurgeLead",
    codec: PurgeLead,
    summary: "Purge the lead and erase its personal data (清理)",
  },
];

const IDEMPOTENCY_KEY = "Idempotency-Key";

const headersSchema = (type: LeadCommandType, idempotencyRequired: boolean): JsonSchema => ({
  type: "object",
  properties: {
    "idempotency-key": {
      type: "string",
      pattern: "^[\\x21-\\x7e]{1,128}$",
      description: idempotencyRequired
        ? "The command id, the caller's own: repeat it with the same body to retry safely, and take a new one for each new command. Required."
        : "The command id, the caller's own: repeat it with the same body to retry safely, and take a new one for each new capture. Generated when absent (the answer echoes it); the lead id is derived from it and the caller with a keyed hash unless an executive's body names one.",
      examples: [idempotencyKeyExample(type)],
    },
    "if-match": {
      type: "string",
      description: 'The lead\'s ETag (`"<revision>"`) the command expects; 412 when it moved on.',
    },
  },
  ...(idempotencyRequired ? { required: ["idempotency-key"] } : {}),
});

/** What `decide` asks of a manual grade's reason (rule 4). */
const MANUAL_REASON: JsonSchema = {
  type: "string",
  minLength: 1,
  maxLength: 4000,
  pattern: "\\S",
  description:
    "Why the grade is set by hand: required, with a non-blank character (else 422 `grade.reason-required`)",
};

/**
 * Body schema: the core command less what the path and the headers supply, with its
 * examples. `occurredAt` is optional in the core command itself: the ledger defaults it
 * (see {@link runCommand}). A manual grade's `reason` is optional in the codec and required
 * by `decide` (`grade.reason-required`, 422): the schema says it is required.
 */
const bodySchema = (type: LeadCommandType, codec: t.Mixed, capture: boolean): JsonSchema => ({
  ...reshapeObjectSchema(toJsonSchema(codec), {
    omit: capture ? ["type", "commandId"] : ["type", "commandId", "leadId"],
    ...(type === "GradeLead" ? { require: ["reason"], replace: { reason: MANUAL_REASON } } : {}),
  }),
  "x-examples": Object.fromEntries(
    COMMAND_EXAMPLES[type].map((example) => [
      example.name,
      { summary: example.summary, value: example.value },
    ]),
  ),
});

const COMMAND_DESCRIPTION =
  "`occurredAt` may be left out: the business time is then the moment the ledger records the command. A retry with the same Idempotency-Key and the same body (with or without `occurredAt`, as first sent) replays the first outcome; keys are the caller's own, another caller's use of one is a new command. On a lead that does not exist or is out of the caller's reach: 404, before any `If-Match` check.";

const LEAD_ID_PARAMS: JsonSchema = {
  type: "object",
  properties: { leadId: toJsonSchema(LeadId) },
  required: ["leadId"],
};

const singleHeader = (request: FastifyRequest, name: string): string | undefined | null => {
  const value = request.headers[name];
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : null;
};

/** `If-Match`: `*` (any revision) or one strong tag `"<revision>"`. */
const expectedRevisionOf = (
  request: FastifyRequest,
): E.Either<readonly InputProblem[], bigint | undefined> => {
  const header = singleHeader(request, "if-match");
  if (header === undefined || (typeof header === "string" && header.trim() === "*")) {
    return E.right(undefined);
  }
  const tag = typeof header === "string" ? /^\s*"(0|[1-9][0-9]{0,18})"\s*$/.exec(header) : null;
  if (tag === null || tag[1] === undefined) {
    return E.left([
      {
        path: "header.If-Match",
        expected: 'the lead\'s revision in quotes, like "7", or * for any revision',
      },
    ]);
  }
  return E.right(BigInt(tag[1]));
};

const commandIdOf = (
  request: FastifyRequest,
  generate: boolean,
): E.Either<readonly InputProblem[], { readonly id: string; readonly generated: boolean }> => {
  const header = singleHeader(request, "idempotency-key");
  if (header === undefined && generate) return E.right({ id: newTimeOrderedId(), generated: true });
  if (typeof header === "string" && CommandId.is(header)) {
    return E.right({ id: header, generated: false });
  }
  return E.left([
    {
      path: `header.${IDEMPOTENCY_KEY}`,
      expected: "1 to 128 visible ASCII characters (letters, digits, punctuation; no spaces)",
      type: "CommandId",
    },
  ]);
};

// The ledger reports paths inside "command"; the client knows where each part came from:
// the command id from a header, a lead's id from the path, the rest from the body.
const requestPathOf = (path: string, capture: boolean): string => {
  if (path === "command.commandId") return `header.${IDEMPOTENCY_KEY}`;
  if (path === "command.leadId" && !capture) return "path.leadId";
  if (path === "command" || path.startsWith("command.")) {
    return `body${path.slice("command".length)}`;
  }
  return path;
};

/**
 * Runs one command: the body (an object) becomes the core command with its `type`, the
 * command id from `Idempotency-Key` and the lead id from the path; the ledger decodes it.
 * Nothing else is filled in here: a body without `occurredAt` goes to the ledger as sent,
 * which compares a retry with the first request before it takes its own clock for the
 * business time, so that the same request replays whatever the defaults (issue 12).
 */
const runCommand = async (
  context: RouteContext,
  route: { readonly type: LeadCommandType; readonly capture: boolean },
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> => {
  const actor = context.actorOf(request);
  const problems: InputProblem[] = [];
  let leadId: string | undefined;
  if (!route.capture) {
    const params = decodeRequestPart(LeadIdParams, request.params, "path");
    if (E.isLeft(params)) problems.push(...params.left);
    else leadId = params.right.leadId;
  }
  const commandId = commandIdOf(request, route.capture);
  if (E.isLeft(commandId)) problems.push(...commandId.left);
  const expectedRevision = expectedRevisionOf(request);
  if (E.isLeft(expectedRevision)) problems.push(...expectedRevision.left);
  const raw = request.body === undefined || request.body === null ? {} : request.body;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    problems.push({ path: "body", expected: "a JSON object" });
  }
  if (problems.length > 0 || typeof raw !== "object" || raw === null || E.isLeft(commandId)) {
    return sendProblem(reply, invalidInput(problems));
  }
  const command = {
    ...raw,
    type: route.type,
    commandId: commandId.right.id,
    ...(leadId === undefined ? {} : { leadId }),
  };
  const revision = E.isRight(expectedRevision) ? expectedRevision.right : undefined;
  // The ledger decodes the command, once: decoding it here too cost a capture about 6 % of
  // its time. Its problems name paths in the command, which the client knows as the body.
  const outcome = await context.ledger.execute(
    actor,
    command,
    revision === undefined ? {} : { expectedRevision: revision },
  );
  if (E.isLeft(outcome)) {
    const error = outcome.left;
    return sendProblem(
      reply,
      error.code === "input.invalid"
        ? invalidInput(
            error.problems.map((p) => ({ ...p, path: requestPathOf(p.path, route.capture) })),
          )
        : problemOfLeadError(error, { fromIfMatch: revision !== undefined }),
    );
  }
  const result = outcome.right;
  reply.header("etag", etagOf(result.revision));
  if (commandId.right.generated) reply.header(IDEMPOTENCY_KEY.toLowerCase(), commandId.right.id);
  if (result.replayed) reply.header("idempotent-replayed", "true");
  // The path as the client called it, so that a prefix the embedder chose is kept.
  if (route.capture) reply.header("location", `${request.url.split("?")[0]}/${result.leadId}`);
  return sendJson(reply, route.capture ? 201 : 200, outcomeRepresentation(result));
};

const OUTCOME_HEADERS = {
  etag: {
    type: "string",
    description: 'The lead\'s new revision, `"<revision>"`: send it as `If-Match`',
  },
  "idempotent-replayed": {
    type: "string",
    enum: ["true"],
    description: "Present when the answer replays a command already recorded",
  },
};

const outcomeAnswer = (description: string, headers: Record<string, JsonSchema>): JsonSchema => ({
  description,
  headers,
  content: { "application/json": { schema: answerRef("outcome") } },
});

/** Registers `POST /leads` and every command route on a lead. */
export const registerCommandRoutes = (app: FastifyInstance, context: RouteContext): void => {
  addAnswerSchemas(app);
  app.route({
    method: "POST",
    url: "/leads",
    schema: {
      tags: ["commands"],
      operationId: commandOperationId("CaptureLead"),
      summary: "Capture a lead (獲取與收集, 錄入)",
      description:
        "Answers 201 with `Location` and the new lead's revision, global position and ETag. Without `leadId` the lead's id is derived from the Idempotency-Key and the caller; only an executive may name one (imports, migrations), anyone else gets 403. A duplicate phone or e-mail is refused with `lead.duplicate`, naming the existing lead only when the caller can reach it.",
      headers: headersSchema("CaptureLead", false),
      body: bodySchema("CaptureLead", CaptureLead, true),
      response: {
        201: outcomeAnswer("Captured", {
          ...OUTCOME_HEADERS,
          location: { type: "string", description: "The new lead: `/leads/{leadId}`" },
          "idempotency-key": {
            type: "string",
            description: "The command id the server generated, when the request had none",
          },
        }),
        ...PROBLEM_RESPONSES,
      },
      security: [{ bearer: [] }],
    },
    handler: (request, reply) =>
      runCommand(context, { type: "CaptureLead", capture: true }, request, reply),
  });
  for (const route of LEAD_COMMAND_ROUTES) {
    app.route({
      method: route.method,
      url: route.url,
      schema: {
        tags: ["commands"],
        operationId: commandOperationId(route.type),
        summary: route.summary,
        description: COMMAND_DESCRIPTION,
        headers: headersSchema(route.type, true),
        params: LEAD_ID_PARAMS,
        body: bodySchema(route.type, route.codec, false),
        response: { 200: outcomeAnswer("Recorded", OUTCOME_HEADERS), ...PROBLEM_RESPONSES },
        security: [{ bearer: [] }],
      },
      handler: (request, reply) =>
        runCommand(context, { type: route.type, capture: false }, request, reply),
    });
  }
};
