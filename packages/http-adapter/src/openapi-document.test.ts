import { readFileSync } from "node:fs";
import swagger from "@fastify/swagger";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv } from "ajv";
import addFormatsPlugin from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testOrganisation } from "./people-routes.test-fixture.js";
import { PROBLEM_CODES } from "./problem.js";
import { ANSWER_SCHEMA_IDS } from "./response-schemas.js";
import { type ActorName, as, capture, type TestApp, testApp } from "./test-app.test-fixture.js";
import { inMemoryTokenAdministration } from "./token-routes.test-fixture.js";

// The OpenAPI document as an embedder gets it (@fastify/swagger registered before the
// plugin): valid OpenAPI 3.0, every operation named and summarised, real answer schemas,
// one problem schema whose `code` lists every stable code, and request examples that the
// server accepts as they stand (issue 13). The answers of these requests, like those of
// every test app, are checked against their documented schemas (test-app.test-fixture).

type Json = Record<string, unknown>;
interface Operation {
  readonly operationId?: string;
  readonly summary?: string;
  readonly parameters?: readonly {
    readonly in: string;
    readonly name: string;
    readonly example?: unknown;
  }[];
  readonly requestBody?: {
    readonly content: Record<
      string,
      { schema: Json; example?: unknown; examples?: Record<string, { value: unknown }> }
    >;
  };
  readonly responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}
interface Document {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { readonly schemas: Record<string, Json> };
}

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

const OWNER = { repId: "rep-1", department: "east" };

let t: TestApp;
let document: Document;
beforeAll(async () => {
  t = await testApp({
    organisation: await testOrganisation(),
    tokenAdministration: inMemoryTokenAdministration(),
    host: async (app) => {
      await app.register(swagger, {
        openapi: {
          openapi: "3.0.3",
          info: { title: "leadledger", version: "0.1.0" },
          components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
        },
        // Components named by their $id (Lead, Problem, …) rather than def-0, def-1, …
        refResolver: {
          buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`),
        },
      });
    },
  });
  document = t.app.swagger() as unknown as Document;
});
afterAll(async () => {
  await t.close();
});

const operations = (): { method: string; path: string; operation: Operation }[] =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method, path, operation })),
  );

const component = (ref: unknown): Json => {
  const name = String(ref).replace("#/components/schemas/", "");
  const schema = document.components.schemas[name];
  if (schema === undefined) throw new Error(`no component ${String(ref)}`);
  return schema;
};

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.0", async () => {
    const result = await new Validator().validate(document as unknown as Json);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe("3.0.3");
  });

  it("names every operation with a stable camelCase operationId and a summary", () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.slice().sort()).toEqual(
      [
        "amendLead",
        "assignLead",
        "captureLead",
        "clearPurgeFlag",
        "convertLead",
        "flagForPurge",
        "getCompleteness",
        "getConversionRate",
        "getFollowUpCycle",
        "getFollowUps",
        "getLead",
        "getLeadHistory",
        "getMe",
        "issueApiToken",
        "listApiTokens",
        "revokeApiToken",
        "rotateApiToken",
        "getPipeline",
        "getRepReport",
        "getTimeliness",
        "gradeLead",
        "joinPerson",
        "listPeople",
        "movePerson",
        "recordDeparture",
        "handOverLeads",
        "listLeads",
        "purgeLead",
        "recordContact",
        "recordVisit",
      ].sort(),
    );
    for (const { operation } of operations()) {
      expect(operation.operationId).toMatch(/^[a-z][a-zA-Z]+$/);
      expect(operation.summary?.length ?? 0).toBeGreaterThan(10);
    }
  });

  it("documents every success answer with a closed, named schema, and problems as Problem", () => {
    for (const { path, operation } of operations()) {
      const [status, success] =
        Object.entries(operation.responses).find(([code]) => code.startsWith("2")) ?? [];
      expect(status, path).toBeDefined();
      const schema = component(success?.content?.["application/json"]?.schema.$ref);
      expect(schema.type, path).toBe("object");
      expect(schema.additionalProperties, path).toBe(false);
      expect(Object.keys(schema.properties as object).length, path).toBeGreaterThan(1);
      expect(schema.required, path).toEqual(Object.keys(schema.properties as object));
      for (const problem of ["4XX", "5XX"]) {
        expect(operation.responses[problem]?.content?.["application/problem+json"]?.schema).toEqual(
          { $ref: `#/components/schemas/${ANSWER_SCHEMA_IDS.problem}` },
        );
      }
    }
  });

  it("has one problem schema whose code is the enum of every stable code, each in the docs", () => {
    const problem = component(`#/components/schemas/${ANSWER_SCHEMA_IDS.problem}`);
    expect(problem.required).toEqual(["type", "title", "status", "code"]);
    const code = (problem.properties as Record<string, Json>).code;
    expect(code?.enum).toEqual(PROBLEM_CODES);
    expect(new Set(PROBLEM_CODES).size).toBe(PROBLEM_CODES.length);
    // A code the docs do not list is one a client cannot look up.
    const http = readFileSync(new URL("../../../docs/http.md", import.meta.url), "utf8");
    const errors = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
    for (const stable of PROBLEM_CODES) {
      expect(http, stable).toContain(`\`${stable}\``);
      if (!/^(auth|http|projection)\./.test(stable)) expect(errors, stable).toContain(stable);
    }
  });

  it("requires the reason of a manual grade, which decide requires", () => {
    const grade = operations().find(({ operation }) => operation.operationId === "gradeLead");
    const body = grade?.operation.requestBody?.content["application/json"]?.schema ?? {};
    const members = (body.oneOf ?? []) as Json[];
    const byHand = members.find(
      (member) =>
        JSON.stringify((member.properties as Json).by) ===
        JSON.stringify({ type: "string", enum: ["manual"] }),
    );
    if (byHand === undefined) throw new Error("no manual grade in the body schema");
    expect(byHand.required).toEqual(expect.arrayContaining(["by", "grade", "reason"]));
    expect((byHand.properties as Record<string, Json>).reason).toMatchObject({ minLength: 1 });
  });
});

// ---- every documented example, sent as it stands ----

const post = async (leadId: string, path: string, key: string, payload: object) => {
  const response = await t.app.inject({
    method: "POST",
    url: `/leads/${leadId}/${path}`,
    headers: { ...as("executive"), "idempotency-key": key },
    payload,
  });
  if (response.statusCode !== 200) throw new Error(`${path}: ${response.body}`);
};

/** A fresh lead in the state each operation's examples need, by operationId. */
const FIXTURES: Readonly<Record<string, (leadId: string) => Promise<void>>> = {
  convertLead: (leadId) =>
    post(leadId, "contacts", `fixture-contact-${leadId}`, {
      method: "phone",
      direction: "outbound",
      topics: ["fees"],
      intent: "stated",
      outcome: "reached",
    }),
  clearPurgeFlag: (leadId) =>
    post(leadId, "purge-flag", `fixture-flag-${leadId}`, { reason: "no-intent-long-silence" }),
  // The re-check comes after the flag: the flag lies a while before the test clock's now.
  purgeLead: (leadId) =>
    post(leadId, "purge-flag", `fixture-flag-${leadId}`, {
      reason: "no-intent-long-silence",
      occurredAt: "2026-11-10T00:00:00.000Z",
    }),
};

/** The examples of an operation's body; one `undefined` when it has no body. */
const bodyExamples = (operation: Operation): readonly unknown[] => {
  const media = operation.requestBody?.content["application/json"];
  if (media === undefined) return [undefined];
  const examples =
    media.examples === undefined
      ? [media.example]
      : Object.values(media.examples).map((example) => example.value);
  return examples;
};

describe("the documented request examples", () => {
  it("are each accepted by the server as they stand", async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const sent: string[] = [];
    for (const { method, path, operation } of operations()) {
      const id = String(operation.operationId);
      const parameters = operation.parameters ?? [];
      const query = new URLSearchParams();
      const headers: Record<string, string> = {};
      for (const parameter of parameters) {
        if (parameter.example === undefined) continue;
        if (parameter.in === "query") query.set(parameter.name, String(parameter.example));
        if (parameter.in === "header") headers[parameter.name] = String(parameter.example);
      }
      const bodySchema = operation.requestBody?.content["application/json"]?.schema;
      const examples = bodyExamples(operation);
      // The same Idempotency-Key example on two leads would be one caller's key reused for
      // another request: each example of an operation is sent by another caller.
      const callers: ActorName[] = ["executive", "head"];
      for (const [index, body] of examples.entries()) {
        expect(body === undefined && bodySchema !== undefined, `${id} has an example`).toBe(false);
        if (bodySchema !== undefined) {
          const valid = ajv.validate(bodySchema, body);
          expect(valid, `${id} #${index}: ${ajv.errorsText()}`).toBe(true);
        }
        let url = path;
        if (path.includes("{leadId}")) {
          const leadId = await capture(t.app, "rep", OWNER);
          await FIXTURES[id]?.(leadId);
          url = path.replace("{leadId}", leadId);
        }
        if (path.includes("{tokenId}")) {
          const issued = await t.app.inject({
            method: "POST",
            url: "/tokens",
            headers: as("executive"),
            payload: { personId: "rep-1", label: "for the example" },
          });
          url = path.replace("{tokenId}", issued.json<{ tokenId: string }>().tokenId);
        }
        if (path.includes("{personId}")) {
          // A person of their own for each example: a departure or a move happens once.
          const personId = `example-${id}-${index}`;
          const joined = await t.app.inject({
            method: "POST",
            url: "/people",
            headers: as("executive"),
            payload: { personId, displayName: "示例", role: "rep", department: "east" },
          });
          expect(joined.statusCode, `${id}: ${joined.body}`).toBe(201);
          url = path.replace("{personId}", personId);
        }
        const caller = callers[index];
        if (caller === undefined) throw new Error(`${id}: more examples than callers`);
        const response = await t.app.inject({
          method: method.toUpperCase() as "GET",
          url: query.size > 0 ? `${url}?${query}` : url,
          headers: { ...as(caller), ...headers },
          ...(body === undefined ? {} : { payload: body as object }),
        });
        expect(response.statusCode, `${id} #${index}: ${response.body}`).toBeLessThan(300);
        expect(response.statusCode, id).toBeGreaterThanOrEqual(200);
        sent.push(id);
      }
    }
    // Every operation was tried, and those with several examples once per example.
    expect(new Set(sent).size).toBe(operations().length);
    expect(sent.filter((id) => id === "gradeLead" || id === "purgeLead")).toHaveLength(4);
  });
});
