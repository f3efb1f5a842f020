import type { Identifier, Instant, NonEmptyString } from "@leadledger/core";
import { captureLead } from "@leadledger/testkit";
import type { LightMyRequestResponse } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import type { LeadLedgerServer } from "./server.js";

// What the standalone server's tests send and read: the plugin's own test fixture
// (packages/http-adapter/src/test-app.test-fixture.ts) builds an app of in-memory stores,
// this package's tests build the real server, and both send the same capture bodies.

/** A fixed "now" shortly after the testkit's builders' business times. */
export const NOW = Date.parse("2026-11-20T08:00:00.000Z");

/** A capture body: the testkit's command without what the route supplies. */
export const captureBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const { type: _type, commandId: _commandId, leadId: _leadId, ...body } = captureLead();
  // The server's clock is weeks after the builders' acquisition: rule 8 wants a reason.
  return { ...body, lateEntryReason: "entered after the fair", ...overrides };
};

/** The parsed body of a problem answer, checked to be one. */
export const problemOf = (response: LightMyRequestResponse): { code: string; status: number } => {
  if (!String(response.headers["content-type"]).startsWith("application/problem+json")) {
    throw new Error(`not a problem: ${response.statusCode} ${response.headers["content-type"]}`);
  }
  return response.json<{ code: string; status: number }>();
};

/**
 * A rep joins the server's organisation, as of a year before {@link NOW}: a fresh admin-only
 * server knows only its executive, who owns no leads (docs/organisation.md).
 */
export const joinRep = async (
  server: Pick<LeadLedgerServer, "organisation">,
  personId: string,
  department: string,
): Promise<void> => {
  const joined = await server.organisation.join({
    personId: personId as Identifier,
    displayName: `${personId} 的名字` as NonEmptyString,
    role: "rep",
    department: department as Identifier,
    at: new Date(NOW - 365 * 86_400_000).toISOString() as Instant,
  });
  if (E.isLeft(joined)) throw new Error(`${personId} could not join: ${joined.left.code}`);
};
