import {
  AmendLead,
  AssignLead,
  CaptureLead,
  ClearPurgeFlag,
  CommandId,
  ConvertLead,
  FlagForPurge,
  GradeLead,
  LeadId,
  PurgeLead,
  RecordContact,
  RecordVisit,
} from "@leadledger/core";
import fc from "fast-check";
import type * as t from "io-ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, captureBody, type TestApp, testApp } from "./test-app.test-fixture.js";

// Bad bodies, queries and headers thrown at every command route: whatever comes in, the
// answer is a problem (never a 5xx) and nothing is written.

interface Route {
  readonly method: "POST" | "DELETE";
  readonly path: string;
  readonly type: string;
  readonly codec: t.Mixed;
  readonly valid: Record<string, unknown>;
}

const ROUTES: readonly Route[] = [
  { method: "POST", path: "", type: "CaptureLead", codec: CaptureLead, valid: captureBody() },
  {
    method: "POST",
    path: "/contacts",
    type: "RecordContact",
    codec: RecordContact,
    valid: {
      method: "phone",
      direction: "outbound",
      topics: ["fees"],
      intent: "none",
      outcome: "reached",
    },
  },
  {
    method: "POST",
    path: "/visits",
    type: "RecordVisit",
    codec: RecordVisit,
    valid: { kind: "inspection", intent: "stated", topics: ["site"] },
  },
  {
    method: "POST",
    path: "/grades",
    type: "GradeLead",
    codec: GradeLead,
    valid: { by: "manual", grade: "high", reason: "visited" },
  },
  {
    method: "POST",
    path: "/conversion",
    type: "ConvertLead",
    codec: ConvertLead,
    valid: { contractRef: "HT-1", dealValue: { amount: 1, currency: "CNY" } },
  },
  {
    method: "POST",
    path: "/assignment",
    type: "AssignLead",
    codec: AssignLead,
    valid: { to: { repId: "rep-2", department: "east" } },
  },
  {
    method: "POST",
    path: "/amendments",
    type: "AmendLead",
    codec: AmendLead,
    valid: { reason: "fax", contact: { fax: "1" } },
  },
  {
    method: "POST",
    path: "/purge-flag",
    type: "FlagForPurge",
    codec: FlagForPurge,
    valid: { reason: "duplicate" },
  },
  {
    method: "DELETE",
    path: "/purge-flag",
    type: "ClearPurgeFlag",
    codec: ClearPurgeFlag,
    valid: { note: "still keen" },
  },
  {
    method: "POST",
    path: "/purge",
    type: "PurgeLead",
    codec: PurgeLead,
    valid: { recheckNote: "dead number" },
  },
];

const NOW_ISO = "2026-11-20T08:00:00.000Z";

/** A valid body with one field replaced by anything, or removed, or the whole body anything. */
const body = (route: Route): fc.Arbitrary<unknown> => {
  const keys = Object.keys(route.valid);
  return fc.oneof(
    fc.jsonValue(),
    fc
      .record({ key: fc.constantFrom(...keys, "occurredAt", "extra"), value: fc.jsonValue() })
      .map(({ key, value }) => ({ ...route.valid, [key]: value })),
    fc.constantFrom(...keys).map((key) => {
      const { [key]: _dropped, ...rest } = route.valid;
      return rest;
    }),
    fc
      .record({ key: fc.constantFrom(...keys), inner: fc.string(), value: fc.jsonValue() })
      .map(({ key, inner, value }) => ({ ...route.valid, [key]: { [inner]: value } })),
    fc.constantFrom(
      { ...route.valid, occurredAt: "2999-01-01T00:00:00Z" },
      { ...route.valid, occurredAt: "yesterday" },
      { ...route.valid, occurredAt: "2026-02-30T00:00:00Z" },
    ),
  );
};

/** Bytes that are not a JSON body the route can read. */
const rawPayload = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "{",
    "[1,2",
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    "null",
    '"text"',
    "1e309",
    "",
  ),
);

const idempotencyKey = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("fuzz-key", "with space", "x".repeat(129), "", "ключ", "\u0000"),
  fc.string({ maxLength: 140 }),
);
const ifMatch = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('"0"', '"999"', "*", 'W/"1"', "1", '"-1"', '"1", "2"'),
  fc.string({ maxLength: 30 }),
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/xml",
);
const query = fc.oneof(
  fc.constant(""),
  fc
    .dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 })
    .map((entries) => `?${new URLSearchParams(entries).toString()}`),
);

// Header values must be sendable at all: what Node itself refuses never reaches a server.
const sendable = (value: string | undefined): boolean =>
  value === undefined || /^[\t\x20-\x7e\x80-\xff]*$/.test(value);

describe("fuzzing the command routes", () => {
  let app: TestApp;
  let leadId: string;
  let events: number;

  beforeAll(async () => {
    app = await testApp();
    const created = await app.app.inject({
      method: "POST",
      url: "/leads",
      headers: as("rep"),
      payload: captureBody(),
    });
    expect(created.statusCode).toBe(201);
    leadId = created.json().leadId;
    events = await app.eventCount();
  });
  afterAll(async () => {
    await app.close();
  });

  /** Whether the route would accept the input: those are left out, they are not bad. */
  const wouldDecode = (route: Route, target: string, payload: unknown, key: string | undefined) => {
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return false;
    const capture = route.type === "CaptureLead";
    if (!capture && !LeadId.is(target)) return false;
    if (key === undefined ? !capture : !CommandId.is(key)) return false;
    const command = {
      ...payload,
      ...("occurredAt" in payload ? {} : { occurredAt: NOW_ISO }),
      type: route.type,
      commandId: key ?? "generated",
      ...(capture ? {} : { leadId: target }),
    };
    return route.codec.is(command) || route.codec.decode(command)._tag === "Right";
  };

  it("answers ≥ 10,000 bad requests with problems, never 5xx, and writes nothing", async () => {
    const badRequest = fc
      .record({
        route: fc.constantFrom(...ROUTES),
        target: fc.oneof(
          fc.constant("existing"),
          fc.uuid().map((u) => u.toLowerCase()),
          fc.string({ maxLength: 40 }),
        ),
        raw: fc.boolean(),
        key: idempotencyKey,
        ifMatch,
        contentType,
        query,
      })
      .chain((request) =>
        (request.raw ? rawPayload : body(request.route)).map((payload) => ({
          ...request,
          payload,
        })),
      );

    let checked = 0;
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(badRequest, async (request) => {
        fc.pre(sendable(request.key) && sendable(request.ifMatch));
        const target = request.target === "existing" ? leadId : request.target;
        const json = !request.raw && request.contentType.startsWith("application/json");
        fc.pre(!(json && wouldDecode(request.route, target, request.payload, request.key)));
        const url =
          request.route.type === "CaptureLead"
            ? `/leads${request.query}`
            : `/leads/${encodeURIComponent(target)}${request.route.path}${request.query}`;
        const headers: Record<string, string> = {
          ...as("head"),
          "content-type": request.contentType,
          ...(request.key === undefined ? {} : { "idempotency-key": request.key }),
          ...(request.ifMatch === undefined ? {} : { "if-match": request.ifMatch }),
        };
        const payload = request.raw
          ? String(request.payload)
          : request.contentType.startsWith("application/json")
            ? (JSON.stringify(request.payload) ?? "null")
            : String(request.payload);
        const response = await app.app.inject({
          method: request.route.method,
          url,
          headers,
          payload,
        });
        expect(response.statusCode, response.body).toBeGreaterThanOrEqual(400);
        expect(response.statusCode, response.body).toBeLessThan(500);
        expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
        const problem = response.json<{ status: number; code: string; type: string }>();
        expect(problem.status).toBe(response.statusCode);
        expect(problem.type).toBe(`urn:leadledger:problem:${problem.code}`);
        expect(await app.eventCount()).toBe(events);
        statuses.add(response.statusCode);
        checked++;
      }),
      { numRuns: 10_500, seed: 20_261_120 },
    );
    expect(checked).toBeGreaterThanOrEqual(10_000);
    // The inputs reach past the parser: decoding, lookup and the rules all answer some.
    expect([...statuses].sort()).toEqual(expect.arrayContaining([400, 404, 415]));
    expect(await app.eventCount()).toBe(events);
  });
});
