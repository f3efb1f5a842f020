import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { validateAnswers } from "./answer-validation.test-fixture.js";
import { addAnswerSchemas, jsonAnswer, PROBLEM_RESPONSES } from "./response-schemas.js";

// The check every test app runs on its answers (test-app.test-fixture.ts) finds what it is
// there to find: a field the schema does not name, a missing one, an undocumented status.

const OUTCOME = {
  leadId: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
  revision: 1,
  position: "12",
  replayed: false,
  events: [
    {
      type: "LeadCaptured",
      occurredAt: "2026-11-02T01:00:00.000Z",
      recordedAt: "2026-11-20T08:00:00.000Z",
    },
  ],
};

const appAnswering = async (status: number, body: unknown, type = "application/json") => {
  const app = Fastify();
  const violations = validateAnswers(app);
  // As in the plugin: the schemas document the answers, they do not serialise them.
  addAnswerSchemas(app);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.get(
    "/answer",
    { schema: { response: { 200: jsonAnswer("outcome", "an outcome"), ...PROBLEM_RESPONSES } } },
    (_request, reply) =>
      reply
        .code(status as 200)
        .type(type)
        .send(JSON.stringify(body)),
  );
  await app.inject({ url: "/answer" });
  await app.close();
  return violations();
};

describe("validating answers against their documented schemas", () => {
  it("passes an answer as documented", async () => {
    expect(await appAnswering(200, OUTCOME)).toEqual([]);
  });

  it("finds an undocumented field, a missing one and a wrong type", async () => {
    const { replayed: _dropped, ...missing } = OUTCOME;
    for (const body of [{ ...OUTCOME, secret: 1 }, missing, { ...OUTCOME, revision: "1" }]) {
      const [violation] = await appAnswering(200, body);
      expect(violation).toMatchObject({ request: "GET /answer", status: 200 });
    }
  });

  it("finds an undocumented status or media type, and a problem that is no Problem", async () => {
    expect((await appAnswering(302, OUTCOME))[0]?.problem).toMatch(/status 302/);
    expect((await appAnswering(200, OUTCOME, "text/plain"))[0]?.problem).toMatch(/media type/);
    const noCode = { type: "urn:leadledger:problem:x", title: "x", status: 404 };
    expect(await appAnswering(404, noCode, "application/problem+json")).toHaveLength(1);
    const unknownCode = { ...noCode, code: "lead.vanished" };
    expect(await appAnswering(404, unknownCode, "application/problem+json")).toHaveLength(1);
  });
});
