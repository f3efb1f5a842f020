import swagger from "@fastify/swagger";
import { CAPTURE_FIELDS } from "@leadledger/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { as, captureBody, type TestApp, testApp } from "./test-app.test-fixture.js";

// Issue 14, over HTTP: a capture done in a minute, its open fields on the lead and in its
// event, the list filtered by them, and the completeness view.

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(async () => {
  await t.close();
});

// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema read back from the document
type Json = any;

const MINIMAL = {
  party: { kind: "company", companyName: "杭州味道餐饮管理有限公司" },
  contact: { phone: "+86 138 0013 8000" },
  source: { channel: "exhibition" },
};
const SENT = ["party.companyName", "contact.phone", "source.channel"];

const post = (payload: object, key: string) =>
  t.app.inject({
    method: "POST",
    url: "/leads",
    headers: { ...as("rep"), "idempotency-key": key },
    payload,
  });

describe("POST /leads with only who, one way to reach them and the channel", () => {
  it("is accepted; the lead and its event list every other field as to be confirmed", async () => {
    const response = await post(MINIMAL, "first-call");
    expect(response.statusCode).toBe(201);
    const { leadId, position } = response.json<{ leadId: string; position: string }>();
    const expected = CAPTURE_FIELDS.company.filter((field) => !SENT.includes(field));

    const lead = await t.app.inject({ url: `/leads/${leadId}`, headers: as("rep") });
    expect(lead.json()).toMatchObject({
      owner: { repId: "rep-1", department: "east" },
      acquiredAt: new Date(Date.parse("2026-11-20T08:00:00.000Z")).toISOString(),
      toBeConfirmed: expected,
    });
    const history = await t.app.inject({ url: `/leads/${leadId}/history`, headers: as("rep") });
    const captured = history
      .json<{ events: { type: string; data: { toBeConfirmed?: string[] } }[] }>()
      .events.find((event) => event.type === "LeadCaptured");
    expect(captured?.data.toBeConfirmed).toEqual(expected);

    const list = await t.app.inject({
      url: `/leads?minPosition=${position}`,
      headers: as("rep"),
    });
    expect(list.json().items[0]).toMatchObject({ leadId, toBeConfirmed: expected });
  });

  it("is documented: the body requires party, contact and source, and one way to reach them", async () => {
    const documented = await testApp({
      host: async (app) => {
        await app.register(swagger, {
          openapi: {
            openapi: "3.0.3",
            components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
          },
        });
      },
    });
    const doc = documented.app.swagger() as unknown as {
      paths: Record<
        string,
        { post: { requestBody: { content: Record<string, { schema: Json }> } } }
      >;
    };
    await documented.close();
    const schema = doc.paths["/leads"]?.post.requestBody.content["application/json"]
      ?.schema as Json;
    expect([...schema.required].sort()).toEqual(["contact", "party", "source"]);
    expect(schema.properties.contact).toMatchObject({ minProperties: 1 });
    expect(schema.properties.source.required).toEqual(["channel"]);
  });

  it("retried with the same body replays, though acquiredAt was left to the server", async () => {
    const first = await post(MINIMAL, "first-call");
    const again = await post(MINIMAL, "first-call");
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ leadId: first.json().leadId, replayed: true });
  });

  it.each([
    ["the name", { party: { kind: "company" } }, "body.party.companyName"],
    ["every way to reach them", { contact: { phone: { tbc: true } } }, "body.contact"],
    ["the channel", { source: {} }, "body.source.channel"],
  ])("without %s is refused with a problem naming it", async (_what, change, path) => {
    const before = await t.eventCount();
    const response = await post({ ...MINIMAL, ...change }, "refused");
    expect(response.statusCode).toBe(400);
    expect(response.json().problems).toContainEqual(expect.objectContaining({ path }));
    expect(await t.eventCount()).toBe(before);
  });

  it("by an executive without an owner is refused with a problem at the owner", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/leads",
      headers: as("executive"),
      payload: MINIMAL,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().problems).toContainEqual(
      expect.objectContaining({ path: "body.owner" }),
    );
  });
});

describe("GET /leads?toBeConfirmed and GET /views/completeness", () => {
  it("list and count the leads with open fields, in the caller's scope", async () => {
    const open = (await post(MINIMAL, "open")).json<{ leadId: string }>().leadId;
    // Every field given: nothing left to confirm.
    const full = captureBody({
      party: { ...(captureBody().party as object), annualRevenue: { amount: 1, currency: "CNY" } },
      contact: {
        phone: "+86 139 0000 0001",
        email: "full@example.cn",
        fax: "+86 571 1",
        messaging: { platform: "WeChat", handle: "full" },
        address: "杭州",
      },
      needs: {
        ...(captureBody().needs as object),
        site: {
          area: { minSquareMetres: 1, maxSquareMetres: 2 },
          location: "杭州",
          fitOut: "简装",
        },
      },
    });
    const complete = await post(full, "complete");
    expect(complete.statusCode).toBe(201);
    const { leadId: done, position } = complete.json<{ leadId: string; position: string }>();

    const ids = async (filter: string) =>
      (
        await t.app.inject({
          url: `/leads?toBeConfirmed=${filter}&minPosition=${position}`,
          headers: as("rep"),
        })
      )
        .json<{ items: { leadId: string }[] }>()
        .items.map((item) => item.leadId);
    expect(await ids("true")).toEqual([open]);
    expect(await ids("false")).toEqual([done]);
    const wrong = await t.app.inject({ url: "/leads?toBeConfirmed=yes", headers: as("rep") });
    expect(wrong.statusCode).toBe(400);

    const view = async (actor: "rep" | "otherRep" | "head" | "southHead") =>
      (
        await t.app.inject({
          url: `/views/completeness?minPosition=${position}`,
          headers: as(actor),
        })
      ).json();
    const rep = await view("rep");
    expect(rep.total).toMatchObject({
      leads: 2,
      withOpenFields: { numerator: 1, denominator: 2, rate: 0.5 },
      notKnown: 0,
    });
    expect(rep.total.fields).toHaveLength(CAPTURE_FIELDS.company.length - SENT.length);
    expect(rep.owners).toEqual([expect.objectContaining({ ownerId: "rep-1", leads: 2 })]);
    expect((await view("head")).departments).toEqual([
      expect.objectContaining({ department: "east", leads: 2 }),
    ]);
    expect((await view("otherRep")).total.leads).toBe(0);
    expect((await view("southHead")).total.leads).toBe(0);
  });
});
