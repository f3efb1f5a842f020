import type {
  Actor,
  Identifier,
  InputProblem,
  Instant,
  Organisation,
  OrganisationError,
  Person,
} from "@leadledger/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { type JsonSchema, toJsonSchema, withPropertyExamples } from "./json-schema.js";
import {
  DepartureBody,
  JoinBody,
  MoveBody,
  PeopleQuery,
  PersonIdParams,
  personRepresentation,
} from "./people-routes-codecs.js";
import {
  httpProblem,
  invalidInput,
  PROBLEM_TYPE_PREFIX,
  type ProblemDetails,
  problemOfLeadError,
  sendProblem,
} from "./problem.js";
import { decodeRequestPart } from "./query-codecs.js";
import { addAnswerSchemas, jsonAnswer, PROBLEM_RESPONSES } from "./response-schemas.js";
import { type RouteContext, sendJson } from "./route-context.js";

// The organisation over HTTP (docs/organisation.md, "Over HTTP"). Who sees whom: an
// executive everyone, a head or a rep the people of their own department (a rep reads
// colleagues' names on the department's leads; the list holds no more than names, roles
// and whether a person has left). Who changes what: an executive adds, moves and retires
// anyone; a head retires people of their own department, so that a leaving rep can be
// handed over without waiting for an executive.

/** The problem for an organisation command's refusal; `person.*` codes carry the person's id. */
export const problemOfOrganisationError = (error: OrganisationError): ProblemDetails => {
  switch (error.code) {
    case "store.unavailable":
      return problemOfLeadError(error);
    case "concurrency.conflict":
      // Attempts exhausted against concurrent writers: trying again is the remedy.
      return {
        type: `${PROBLEM_TYPE_PREFIX}concurrency.conflict`,
        title: "The organisation changed meanwhile; try again",
        status: 409,
        code: "concurrency.conflict",
        stream: error.stream,
      };
    default:
      return httpProblem(error.code, { personId: error.personId });
  }
};

const denied = (reason: string): ProblemDetails =>
  problemOfLeadError({ code: "access.denied", reason });

/** Decodes a JSON-object body (an absent body is `{}`), naming every problem and every member it does not take. */
const decodeBody = <A>(
  codec: t.Decoder<unknown, A>,
  raw: unknown,
): E.Either<readonly InputProblem[], A> => {
  const body = raw === undefined || raw === null ? {} : raw;
  if (typeof body !== "object" || Array.isArray(body)) {
    return E.left([{ path: "body", expected: "a JSON object" }]);
  }
  return decodeRequestPart(codec, body, "body", { closed: true });
};

/** A route's person id and its body, decoded together: the problems of both, or both. */
const decodePersonAndBody = <A>(
  codec: t.Decoder<unknown, A>,
  request: FastifyRequest,
): E.Either<
  readonly InputProblem[],
  { readonly personId: t.TypeOf<typeof PersonIdParams>["personId"]; readonly body: A }
> => {
  const params = decodeRequestPart(PersonIdParams, request.params, "path");
  const body = decodeBody(codec, request.body);
  if (E.isRight(params) && E.isRight(body)) {
    return E.right({ personId: params.right.personId, body: body.right });
  }
  return E.left([...(E.isLeft(params) ? params.left : []), ...(E.isLeft(body) ? body.left : [])]);
};

const iso = (millis: number): string => new Date(millis).toISOString();

/** Whether a person is in what `actor` may see of the organisation. */
const inScope = (actor: Actor, person: Person): boolean =>
  actor.role === "executive" || person.department === actor.department;

const PERSON_PARAMS: JsonSchema = {
  type: "object",
  properties: { personId: toJsonSchema(PersonIdParams.props.personId) },
  required: ["personId"],
};

const AT_DESCRIPTION =
  "`at`, when the change takes effect, may be left out: it is then the moment the server records it. A back-dated change reads as of its own moment in every later answer.";

const bodyWithExamples = (
  codec: t.Mixed,
  examples: Readonly<Record<string, { summary: string; value: unknown }>>,
): JsonSchema => ({ ...toJsonSchema(codec), "x-examples": examples });

const personAnswer = (description: string, status: 200 | 201) => ({
  [status]: jsonAnswer("person", description),
  ...PROBLEM_RESPONSES,
});

/** Registers `GET /people` and the routes that add, move and retire a person. */
export const registerPeopleRoutes = (
  app: FastifyInstance,
  context: RouteContext,
  organisation: Organisation,
): void => {
  addAnswerSchemas(app);

  /** Reads the person at `at`: `undefined` answered as `person.unknown`. */
  const personAt = async (
    personId: Identifier,
    at: number,
  ): Promise<E.Either<ProblemDetails, Person>> => {
    const found = await organisation.findPerson(personId, at);
    if (E.isLeft(found)) return E.left(problemOfOrganisationError(found.left));
    return found.right === undefined
      ? E.left(httpProblem("person.unknown", { personId }))
      : E.right(found.right);
  };
  const atOf = (body: { readonly at?: Instant }): Instant =>
    body.at ?? (iso(context.clock()) as Instant);

  app.get(
    "/people",
    {
      schema: {
        tags: ["people"],
        operationId: "listPeople",
        summary: "The people of the organisation the caller may see (人员)",
        description:
          "An executive sees everyone, a head or a rep the people of their own department, as of now, those who left among them (`active: false`), in the order they joined. `department`, `role` and `active` narrow the list.",
        querystring: withPropertyExamples(toJsonSchema(PeopleQuery), { active: "true" }),
        response: { 200: jsonAnswer("people", "The people"), ...PROBLEM_RESPONSES },
        security: [{ bearer: [] }],
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const actor = context.actorOf(request);
      const query = decodeRequestPart(PeopleQuery, request.query, "query");
      if (E.isLeft(query)) return sendProblem(reply, invalidInput(query.left));
      const now = context.clock();
      const people = await organisation.people(now);
      if (E.isLeft(people)) return sendProblem(reply, problemOfOrganisationError(people.left));
      const { department, role, active } = query.right;
      const listed = people.right.filter(
        (person) =>
          inScope(actor, person) &&
          (department === undefined || person.department === department) &&
          (role === undefined || person.role === role) &&
          (active === undefined || String(person.active) === active),
      );
      return sendJson(reply, 200, { asOf: iso(now), people: listed.map(personRepresentation) });
    },
  );

  app.post(
    "/people",
    {
      schema: {
        tags: ["people"],
        operationId: "joinPerson",
        summary: "A person joins the organisation (入职): executives only",
        description: `Records \`PersonJoined\`. A person who is active already is \`person.already-active\` (409); one who left may join again. ${AT_DESCRIPTION}`,
        body: bodyWithExamples(JoinBody, {
          rep: {
            summary: "A rep joins 华东招商部",
            value: {
              personId: "rep-zhou-qiang",
              displayName: "周强",
              role: "rep",
              department: "east",
            },
          },
        }),
        response: personAnswer("Joined: the person as of `at`", 201),
        security: [{ bearer: [] }],
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const actor = context.actorOf(request);
      if (actor.role !== "executive") {
        return sendProblem(reply, denied("only an executive adds people"));
      }
      const body = decodeBody(JoinBody, request.body);
      if (E.isLeft(body)) return sendProblem(reply, invalidInput(body.left));
      const joining = { ...body.right, at: atOf(body.right) };
      const joined = await organisation.join(joining);
      if (E.isLeft(joined)) return sendProblem(reply, problemOfOrganisationError(joined.left));
      return sendJson(reply, 201, personRepresentation({ ...joining, active: true }));
    },
  );

  app.post(
    "/people/:personId/departure",
    {
      schema: {
        tags: ["people"],
        operationId: "recordDeparture",
        summary: "A person leaves (离职): an executive, or the head of their department",
        description: `Records \`PersonLeft\`: from \`at\` on the person owns no new leads (\`owner.inactive\`). Their leads stay theirs until handed over. A person who never joined is \`person.unknown\` (404), one who left already \`person.inactive\` (409). ${AT_DESCRIPTION}`,
        params: PERSON_PARAMS,
        body: bodyWithExamples(DepartureBody, {
          now: { summary: "Leaves now", value: {} },
        }),
        response: personAnswer("Left: the person as of `at`", 200),
        security: [{ bearer: [] }],
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const actor = context.actorOf(request);
      if (actor.role === "rep") {
        return sendProblem(reply, denied("a head or an executive records a departure"));
      }
      const decoded = decodePersonAndBody(DepartureBody, request);
      if (E.isLeft(decoded)) return sendProblem(reply, invalidInput(decoded.left));
      const { personId, body } = decoded.right;
      const at = atOf(body);
      const person = await personAt(personId, Date.parse(at));
      if (E.isLeft(person)) return sendProblem(reply, person.left);
      if (!inScope(actor, person.right)) {
        return sendProblem(reply, denied("a head records departures from their own department"));
      }
      const left = await organisation.leave(personId, at);
      if (E.isLeft(left)) return sendProblem(reply, problemOfOrganisationError(left.left));
      return sendJson(reply, 200, personRepresentation({ ...person.right, active: false }));
    },
  );

  app.post(
    "/people/:personId/move",
    {
      schema: {
        tags: ["people"],
        operationId: "movePerson",
        summary: "A person moves to another department (调岗): executives only",
        description: `Records \`PersonMoved\`; the role is kept. From \`at\` on the person owns leads of the new department only; their leads stay where they are until handed over. Moving to their own department is \`person.unchanged\` (409). ${AT_DESCRIPTION}`,
        params: PERSON_PARAMS,
        body: bodyWithExamples(MoveBody, {
          south: { summary: "Moves to 华南招商部", value: { department: "south" } },
        }),
        response: personAnswer("Moved: the person as of `at`", 200),
        security: [{ bearer: [] }],
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const actor = context.actorOf(request);
      if (actor.role !== "executive") {
        return sendProblem(reply, denied("only an executive moves people"));
      }
      const decoded = decodePersonAndBody(MoveBody, request);
      if (E.isLeft(decoded)) return sendProblem(reply, invalidInput(decoded.left));
      const { personId, body } = decoded.right;
      const at = atOf(body);
      const person = await personAt(personId, Date.parse(at));
      if (E.isLeft(person)) return sendProblem(reply, person.left);
      const moved = await organisation.move(personId, body.department, at);
      if (E.isLeft(moved)) return sendProblem(reply, problemOfOrganisationError(moved.left));
      return sendJson(
        reply,
        200,
        personRepresentation({ ...person.right, department: body.department }),
      );
    },
  );
};
