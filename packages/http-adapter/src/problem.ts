import type { InputProblem, LeadError, LeadErrorCode } from "@leadledger/core";
import type { FastifyReply } from "fastify";

/** The media type of every error answer (RFC 9457). */
export const PROBLEM_MEDIA_TYPE = "application/problem+json";

/** Where problem type URIs live: `urn:leadledger:problem:<code>`, listed in docs/http.md. */
export const PROBLEM_TYPE_PREFIX = "urn:leadledger:problem:";

/**
 * An RFC 9457 problem. `code` is the stable code a client keys on: the domain's own
 * (`lead.not-found`, …) or one of the adapter's (`auth.*`, `http.*`, `projection.*`).
 * Extension members carry the error's non-personal details (ids, paths, revisions).
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly [extension: string]: unknown;
}

/** The adapter's own failures, beside the domain's {@link LeadError}s. */
export type HttpProblemCode =
  | "auth.missing-token"
  | "auth.unknown-token"
  | "auth.token-revoked"
  | "auth.token-expired"
  | "auth.person-left"
  | "auth.unavailable"
  | "token.not-found"
  | "token.inactive"
  | "token.person-unknown"
  | "person.already-active"
  | "person.unknown"
  | "person.inactive"
  | "person.unchanged"
  | "http.bad-request"
  | "http.not-found"
  | "http.request-timeout"
  | "http.payload-too-large"
  | "http.uri-too-long"
  | "http.headers-too-large"
  | "http.unsupported-media-type"
  | "http.method-not-allowed"
  | "http.rate-limited"
  | "http.internal"
  | "projection.wait-timed-out"
  | "projection.stopped"
  | "search.unavailable";

const DOMAIN: Record<LeadErrorCode, { readonly status: number; readonly title: string }> = {
  "input.invalid": { status: 400, title: "The request is not well-formed" },
  "lead.not-found": { status: 404, title: "No such lead" },
  "lead.already-captured": { status: 409, title: "The lead was captured already" },
  "lead.purged": { status: 409, title: "The lead was purged" },
  "lead.already-converted": { status: 409, title: "The lead was converted already" },
  "lead.duplicate": {
    status: 409,
    title: "This phone or e-mail already belongs to someone's active lead",
  },
  "lead.suppressed": {
    status: 409,
    title: "This person asked to be erased; capture needs their renewed consent",
  },
  "time.before-acquisition": {
    status: 422,
    title: "The business time lies before the lead's acquisition",
  },
  "time.in-future": { status: 422, title: "The business time lies in the future" },
  "capture.late-entry-reason-required": {
    status: 422,
    title: "A capture more than 24 hours after acquisition needs a late-entry reason",
  },
  "follow-up.before-contact": {
    status: 422,
    title: "The next follow-up day lies before the contact's own day",
  },
  "conversion.before-follow-up": {
    status: 422,
    title: "A conversion needs a contact or visit at or before it",
  },
  "grade.reason-required": { status: 422, title: "A manual grade needs a reason" },
  "grade.frozen-after-conversion": {
    status: 409,
    title: "The grade no longer changes after conversion",
  },
  "purge.not-flagged": { status: 409, title: "Only a lead flagged for purge can be purged" },
  "purge.recheck-required": { status: 422, title: "A purge needs a re-check first" },
  "flag.already-flagged": { status: 409, title: "The lead is flagged for purge already" },
  "flag.not-flagged": { status: 409, title: "The lead is not flagged for purge" },
  "assignment.unchanged": { status: 409, title: "The lead has this owner already" },
  "owner.unknown": { status: 422, title: "No such person may own leads in that department" },
  "owner.inactive": { status: 422, title: "The named owner has left the organisation" },
  "amendment.party-kind-mismatch": {
    status: 422,
    title: "The amendment is for another kind of party",
  },
  "amendment.empty": { status: 422, title: "The amendment changes nothing" },
  "access.denied": { status: 403, title: "This needs another role" },
  "concurrency.conflict": { status: 409, title: "The lead changed meanwhile" },
  "idempotency.mismatch": {
    status: 422,
    title: "This Idempotency-Key was used for another request",
  },
  // The lead's stored data is damaged, not the server: a state of the resource, like a purge.
  "history.undecodable": {
    status: 409,
    title: "The lead's stored history is damaged and cannot be read; it can still be erased",
  },
  "store.unavailable": { status: 503, title: "The store is unavailable; try again later" },
};

const HTTP: Record<HttpProblemCode, { readonly status: number; readonly title: string }> = {
  "auth.missing-token": { status: 401, title: "A bearer token is required" },
  "auth.unknown-token": { status: 401, title: "The bearer token is not known" },
  "auth.token-revoked": { status: 401, title: "The bearer token was revoked" },
  "auth.token-expired": { status: 401, title: "The bearer token has expired" },
  "auth.person-left": { status: 401, title: "The bearer token's person has left" },
  "auth.unavailable": {
    status: 503,
    title: "The token store is unavailable; try again later",
  },
  "token.not-found": { status: 404, title: "No such API token" },
  "token.inactive": {
    status: 409,
    title: "The API token is revoked or expired: issue a new one instead",
  },
  "token.person-unknown": {
    status: 422,
    title: "No such active person to issue a token for",
  },
  "person.already-active": { status: 409, title: "This person is active already" },
  "person.unknown": { status: 404, title: "No such person" },
  "person.inactive": { status: 409, title: "This person has left" },
  "person.unchanged": { status: 409, title: "This person is in that department already" },
  "http.bad-request": { status: 400, title: "The request is not valid HTTP" },
  "http.not-found": { status: 404, title: "No such resource" },
  "http.request-timeout": { status: 408, title: "The request took too long to arrive" },
  "http.payload-too-large": { status: 413, title: "The body is too large" },
  "http.uri-too-long": { status: 414, title: "The URL or one of its path segments is too long" },
  "http.headers-too-large": { status: 431, title: "The request's headers are too large" },
  "http.unsupported-media-type": { status: 415, title: "Send application/json" },
  "http.method-not-allowed": { status: 405, title: "Method not allowed" },
  "http.rate-limited": { status: 429, title: "Too many requests" },
  "http.internal": { status: 500, title: "Internal error" },
  "projection.wait-timed-out": {
    status: 503,
    title: "The read model has not reached minPosition yet; try again",
  },
  "projection.stopped": { status: 503, title: "The read model is shutting down" },
  "search.unavailable": {
    status: 501,
    title: "This server keeps no search index: list without q, phone or email",
  },
};

/** Every stable code a problem may carry: a client can key on each. */
export type ProblemCode = LeadErrorCode | HttpProblemCode;

/**
 * Every problem code, the domain's and the adapter's: one list, read from the two tables
 * above, which the compiler holds complete (a `Record` over each union). The OpenAPI
 * problem schema's `code` enumerates it.
 */
export const PROBLEM_CODES: readonly ProblemCode[] = [
  ...(Object.keys(DOMAIN) as LeadErrorCode[]),
  ...(Object.keys(HTTP) as HttpProblemCode[]),
];

const jsonSafe = (value: unknown): unknown => {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
};

/**
 * The problem for a domain error. Every field of a {@link LeadError} is non-personal by
 * design (ids, codes, times, paths), so they all become extension members.
 *
 * @param fromIfMatch the request set `If-Match`: a conflict is then a failed precondition (412)
 */
export const problemOfLeadError = (
  error: LeadError,
  options: { readonly fromIfMatch?: boolean } = {},
): ProblemDetails => {
  const { code, ...details } = error;
  const known = DOMAIN[code];
  const status =
    code === "concurrency.conflict" && options.fromIfMatch === true ? 412 : known.status;
  const title = status === 412 ? "If-Match does not match the lead's revision" : known.title;
  return {
    type: `${PROBLEM_TYPE_PREFIX}${code}`,
    title,
    status,
    code,
    ...(jsonSafe(details) as Record<string, unknown>),
  };
};

/** The problem for one of the adapter's own failures. */
export const httpProblem = (
  code: HttpProblemCode,
  extensions: { readonly detail?: string; readonly [key: string]: unknown } = {},
): ProblemDetails => ({
  type: `${PROBLEM_TYPE_PREFIX}${code}`,
  ...HTTP[code],
  code,
  ...extensions,
});

/** An `input.invalid` problem about parts of the request other than the command body. */
export const invalidInput = (
  problems: readonly InputProblem[],
  detail?: string,
): ProblemDetails => ({
  ...problemOfLeadError({ code: "input.invalid", problems }),
  ...(detail === undefined ? {} : { detail }),
});

/** Sends a problem with its status and media type. */
export const sendProblem = (reply: FastifyReply, problem: ProblemDetails): FastifyReply => {
  if (problem.status === 401) reply.header("www-authenticate", 'Bearer realm="leadledger"');
  if (problem.status === 503) reply.header("retry-after", "1");
  return reply.code(problem.status).type(PROBLEM_MEDIA_TYPE).send(problem);
};
