import {
  type Actor,
  CommandId,
  type Directory,
  Identifier,
  type InputProblem,
  NonEmptyString,
  type Owner,
} from "@leadledger/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { handOverRepresentation } from "./hand-over-representation.js";
import { toJsonSchema } from "./json-schema.js";
import { invalidInput, problemOfLeadError, sendProblem } from "./problem.js";
import { decodeRequestPart, PositionText } from "./query-codecs.js";
import { addAnswerSchemas, jsonAnswer, PROBLEM_RESPONSES } from "./response-schemas.js";
import { type RouteContext, sendJson } from "./route-context.js";

/** The path: whose leads are handed over. */
const HandOverParams = t.type({ personId: Identifier });

/** The query: how far the read model that lists the rep's leads must have come. */
const HandOverQuery = t.partial({ minPosition: PositionText });

/** Most reps a hand-over spreads the leads over. */
const MAX_TARGETS = 50;

/** The body: to whom, why, and (without a directory that knows the rep) the rep's department. */
const HandOverBody = t.exact(
  t.intersection([
    t.type({ to: t.array(Identifier) }),
    t.partial({ department: Identifier, reason: NonEmptyString }),
  ]),
  "HandOverBody",
);

const BODY_SCHEMA = {
  type: "object",
  properties: {
    to: {
      type: "array",
      items: toJsonSchema(Identifier),
      minItems: 1,
      maxItems: MAX_TARGETS,
      uniqueItems: true,
      description:
        "The reps who take the leads over, each named once: one, or several to spread the leads evenly over (round robin in the order of the leads' ids). Each must be able to own leads (docs/organisation.md); a department head names reps of their own department only.",
      examples: [["rep-2", "rep-3"]],
    },
    reason: {
      ...toJsonSchema(NonEmptyString),
      description:
        "Why, recorded (sealed, as personal data) in each lead's assignment: the same for every lead",
      examples: ["王芳 leaves at the end of the month"],
    },
    department: {
      ...toJsonSchema(Identifier),
      description:
        "The department of the rep whose leads are handed over. Defaults to the rep's department in the organisation's directory, else the caller's own (a head); an executive names it when the directory does not know the rep.",
      examples: ["east"],
    },
  },
  required: ["to"],
  additionalProperties: false,
  "x-examples": {
    spread: {
      summary: "A leaving rep's leads of department east spread over two reps of it",
      value: {
        to: ["rep-1", "rep-2"],
        reason: "王芳 leaves at the end of the month",
        department: "east",
      },
    },
  },
};

const HEADERS_SCHEMA = {
  type: "object",
  properties: {
    "idempotency-key": {
      type: "string",
      pattern: "^[\\x21-\\x7e]{1,128}$",
      description:
        "The hand-over's command id, the caller's own: repeat it with the same body to retry safely (the plan first recorded is carried on, nothing moves twice). Required.",
      examples: ["hand-over-rep-1-2026-11"],
    },
  },
  required: ["idempotency-key"],
};

const DESCRIPTION = [
  "Hands every lead the rep owns over to one rep or several, each lead with an assignment (`LeadAssigned`) of its own under the caller's name: a department head within their department, an executive anywhere; a rep may not (403).",
  "The targets are checked with the organisation's directory first: one who is unknown, of another department or an executive is 422 `owner.unknown`, one who has left `owner.inactive`, and nothing is recorded. Then the plan (each lead and its target) is recorded once and carried out.",
  "The rep's leads are listed from the read model: pass the `position` of the rep's last capture as `minPosition` to include it. A lead captured for the rep after the hand-over was planned is not in it; a second hand-over (a new Idempotency-Key) takes it.",
  "A retry with the same Idempotency-Key and body goes on with the plan first recorded, moves what is left and answers the same report; with another body it is 422 `idempotency.mismatch`.",
  "The answer lists every planned lead: `moved` (with its new revision), or `not-moved` with `code`: `owner.changed` (someone else owns it now, `owner`: it is left with them), `assignment.unchanged` (its target owned it already), or the ledger's refusal (`lead.not-found`, `lead.purged`, `owner.inactive`, …).",
].join("\n\n");

/** The hand-over's command id: `Idempotency-Key`, required, as for every command on a lead. */
const commandIdOf = (request: FastifyRequest): E.Either<readonly InputProblem[], CommandId> => {
  const header = request.headers["idempotency-key"];
  return typeof header === "string" && CommandId.is(header)
    ? E.right(header)
    : E.left([
        {
          path: "header.Idempotency-Key",
          expected: "1 to 128 visible ASCII characters (letters, digits, punctuation; no spaces)",
          type: "CommandId",
        },
      ]);
};

/** Where each problem the core reports came from, in the request's words. */
const requestPathOf = (path: string): string => {
  if (path === "request.commandId") return "header.Idempotency-Key";
  if (path.startsWith("request.to")) return `body${path.slice("request".length)}`;
  if (path === "request.reason") return "body.reason";
  if (path.startsWith("request.from")) return "path.personId";
  return path;
};

/**
 * The leaving rep as an owner: in the department the body names, else the directory's,
 * else the head's own; `undefined` when nothing says (an executive, a rep the directory
 * does not know, no department in the body).
 */
const leavingRep = async (
  directory: Directory | undefined,
  actor: Actor,
  repId: Identifier,
  department: Identifier | undefined,
): Promise<E.Either<E.Either<InputProblem, ReturnType<typeof problemOfLeadError>>, Owner>> => {
  if (department !== undefined) return E.right({ repId, department });
  if (directory !== undefined) {
    const person = await directory.findPerson(repId);
    if (E.isLeft(person)) return E.left(E.right(problemOfLeadError(person.left)));
    if (person.right !== undefined) {
      return E.right({ repId, department: person.right.department as Identifier });
    }
  }
  if (actor.role === "head") return E.right({ repId, department: actor.department });
  return E.left(
    E.left({
      path: "body.department",
      expected:
        "the department of the rep whose leads are handed over: the organisation's directory does not know the rep",
    }),
  );
};

/**
 * Each target as an owner: in the directory's department for a person it knows, else in
 * the leaving rep's (the ledger then refuses one it does not know as `owner.unknown`).
 */
const targetsOf = async (
  directory: Directory | undefined,
  to: readonly Identifier[],
  from: Owner,
): Promise<E.Either<ReturnType<typeof problemOfLeadError>, readonly Owner[]>> => {
  const targets: Owner[] = [];
  for (const repId of to) {
    let department = from.department;
    if (directory !== undefined) {
      const person = await directory.findPerson(repId);
      if (E.isLeft(person)) return E.left(problemOfLeadError(person.left));
      if (person.right !== undefined) department = person.right.department as Identifier;
    }
    targets.push({ repId, department });
  }
  return E.right(targets);
};

const handOver = async (
  context: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> => {
  const actor = context.actorOf(request);
  const problems: InputProblem[] = [];
  const params = decodeRequestPart(HandOverParams, request.params, "path");
  if (E.isLeft(params)) problems.push(...params.left);
  const query = decodeRequestPart(HandOverQuery, request.query, "query");
  if (E.isLeft(query)) problems.push(...query.left);
  const commandId = commandIdOf(request);
  if (E.isLeft(commandId)) problems.push(...commandId.left);
  // Closed, as `/people`'s bodies: a misspelt `department` would silently default.
  const body = decodeRequestPart(HandOverBody, request.body, "body", { closed: true });
  if (E.isLeft(body)) problems.push(...body.left);
  if (E.isRight(body) && body.right.to.length > MAX_TARGETS) {
    problems.push({ path: "body.to", expected: `at most ${MAX_TARGETS} reps` });
  }
  if (E.isLeft(params) || E.isLeft(query) || E.isLeft(commandId) || E.isLeft(body)) {
    return sendProblem(reply, invalidInput(problems));
  }
  if (problems.length > 0) return sendProblem(reply, invalidInput(problems));

  const { directory } = context;
  const from = await leavingRep(directory, actor, params.right.personId, body.right.department);
  if (E.isLeft(from)) {
    return sendProblem(
      reply,
      E.isLeft(from.left) ? invalidInput([from.left.left]) : from.left.right,
    );
  }
  const to = await targetsOf(directory, body.right.to, from.right);
  if (E.isLeft(to)) return sendProblem(reply, to.left);
  // Waited for before the ledger is asked, although only a first run lists the leads: the
  // wait is bounded, and a retry that waits has lost nothing.
  const waited = await context.readYourWrites(query.right.minPosition);
  if (E.isLeft(waited)) return sendProblem(reply, waited.left);

  const leaving = from.right;
  const report = await context.ledger.handOver(
    actor,
    {
      commandId: commandId.right,
      from: leaving,
      to: to.right,
      ...(body.right.reason === undefined ? {} : { reason: body.right.reason }),
    },
    () =>
      context.inTurn(() =>
        context.readModel
          .summaries()
          .filter(
            (row) =>
              row.ownerId === leaving.repId &&
              row.department === leaving.department &&
              row.purgedAt === null,
          )
          .map((row) => row.leadId),
      ),
  );
  if (E.isLeft(report)) {
    const error = report.left;
    return sendProblem(
      reply,
      error.code === "input.invalid"
        ? invalidInput(error.problems.map((p) => ({ ...p, path: requestPathOf(p.path) })))
        : problemOfLeadError(error),
    );
  }
  return sendJson(reply, 200, handOverRepresentation(report.right));
};

/** Registers `POST /people/{personId}/hand-over`. */
export const registerHandOverRoute = (app: FastifyInstance, context: RouteContext): void => {
  addAnswerSchemas(app);
  app.route({
    method: "POST",
    url: "/people/:personId/hand-over",
    schema: {
      tags: ["commands"],
      operationId: "handOverLeads",
      summary: "Hand all of a rep's leads over to one rep or several (跟进责任人 交接)",
      description: DESCRIPTION,
      headers: HEADERS_SCHEMA,
      params: {
        type: "object",
        properties: { personId: toJsonSchema(Identifier) },
        required: ["personId"],
      },
      querystring: toJsonSchema(HandOverQuery),
      body: BODY_SCHEMA,
      response: { 200: jsonAnswer("handOver", "What moved, lead by lead"), ...PROBLEM_RESPONSES },
      security: [{ bearer: [] }],
    },
    handler: (request, reply) => handOver(context, request, reply),
  });
};
