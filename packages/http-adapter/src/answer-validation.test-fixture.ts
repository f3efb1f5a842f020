import { Ajv, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { JsonSchema } from "./json-schema.js";
import { PROBLEM_MEDIA_TYPE } from "./problem.js";
import { ANSWER_SCHEMAS, answerRef } from "./response-schemas.js";

// Every answer a test app sends is checked against the schema its route documents for its
// status and media type (the OpenAPI document's response schemas), with Ajv: an answer
// that holds a field the schema does not name, lacks a required one, or has a status or
// media type the route does not document is a violation, and the test app's close() fails.

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

/** The Ajv every test validates answers and examples with: the shared schemas added. */
export const answerAjv = (): Ajv => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  for (const schema of ANSWER_SCHEMAS) ajv.addSchema(schema);
  return ajv;
};

const ajv = answerAjv();
const compiled = new WeakMap<JsonSchema, ValidateFunction>();
const validatorOf = (schema: JsonSchema): ValidateFunction => {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
};

/** One answer that does not match what its route documents. */
export interface AnswerViolation {
  readonly request: string;
  readonly status: number;
  readonly problem: string;
}

const mediaTypeOf = (reply: FastifyReply): string =>
  String(reply.getHeader("content-type") ?? "")
    .split(";")[0]
    ?.trim() ?? "";

/**
 * The schema a route documents for a status and media type: the entry for the exact
 * status, else for its class (`4XX`), else `default`; inside it, the schema for the
 * media type when the entry lists media types.
 */
const documentedSchema = (
  responses: Readonly<Record<string, JsonSchema>>,
  status: number,
  mediaType: string,
): JsonSchema | string => {
  const entry =
    responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  if (entry === undefined) return `status ${status} is not documented`;
  const content = entry.content as Record<string, { schema: JsonSchema }> | undefined;
  if (content === undefined) return entry;
  const media = content[mediaType];
  return media === undefined ? `media type ${mediaType} is not documented` : media.schema;
};

/**
 * Validates every answer of `app` from now on against its route's documented schema; a
 * problem from outside any route (404, 405, 401 of an unknown path) against the shared
 * problem schema. Returns the violations found so far.
 */
export const validateAnswers = (app: FastifyInstance): (() => readonly AnswerViolation[]) => {
  const violations: AnswerViolation[] = [];
  app.addHook(
    "onSend",
    async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
      if (typeof payload !== "string") return payload;
      const mediaType = mediaTypeOf(reply);
      const responses = request.routeOptions.schema?.response as
        | Record<string, JsonSchema>
        | undefined;
      const schema =
        responses !== undefined
          ? documentedSchema(responses, reply.statusCode, mediaType)
          : mediaType === PROBLEM_MEDIA_TYPE
            ? answerRef("problem")
            : undefined;
      const where = `${request.method} ${request.url}`;
      if (typeof schema === "string") {
        violations.push({ request: where, status: reply.statusCode, problem: schema });
      } else if (schema !== undefined) {
        const validate = validatorOf(schema);
        if (!validate(JSON.parse(payload))) {
          violations.push({
            request: where,
            status: reply.statusCode,
            problem: ajv.errorsText(validate.errors, { separator: "; " }),
          });
        }
      }
      return payload;
    },
  );
  return () => violations;
};
