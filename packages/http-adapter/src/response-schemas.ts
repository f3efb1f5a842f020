import type { JsonSchema } from "./json-schema.js";

// Answers are built by typed code (representations.ts), so their schemas document them
// and are never used to filter or check them: the plugin serialises with JSON.stringify.

/** An RFC 9457 problem. */
export const PROBLEM_SCHEMA: JsonSchema = {
  type: "object",
  description: "application/problem+json (RFC 9457), with the stable `code` and its details",
  properties: {
    type: { type: "string", example: "urn:leadledger:problem:lead.not-found" },
    title: { type: "string" },
    status: { type: "integer" },
    code: { type: "string", example: "lead.not-found" },
    detail: { type: "string" },
    problems: {
      type: "array",
      items: {
        type: "object",
        properties: { path: { type: "string" }, expected: { type: "string" } },
      },
    },
  },
  required: ["type", "title", "status", "code"],
};

/** The problem answers every authenticated route may give. */
export const PROBLEM_RESPONSES: Readonly<Record<string, JsonSchema>> = {
  "4XX": { ...PROBLEM_SCHEMA, description: "A problem with the request" },
  "5XX": { ...PROBLEM_SCHEMA, description: "The store or read model is unavailable" },
};

/** What a command answers. */
export const OUTCOME_SCHEMA: JsonSchema = {
  type: "object",
  description: "The command's outcome; the `ETag` header carries the new revision",
  properties: {
    leadId: { type: "string", format: "uuid" },
    revision: { type: "integer", description: "the lead stream's revision after the command" },
    position: {
      type: "string",
      description: "the global position of the last event: pass it as `minPosition`",
    },
    replayed: { type: "boolean", description: "a retry of a command already recorded" },
    events: {
      type: "array",
      items: {
        type: "object",
        properties: {
          type: { type: "string" },
          occurredAt: { type: "string", format: "date-time" },
          recordedAt: { type: "string", format: "date-time" },
        },
      },
    },
  },
  required: ["leadId", "revision", "position", "replayed", "events"],
};

/** A JSON object of the shape described in docs/http.md. */
export const objectSchema = (description: string): JsonSchema => ({
  type: "object",
  description,
  additionalProperties: true,
});
