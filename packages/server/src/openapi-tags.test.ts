import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type LeadLedgerServer } from "./server.js";

// Swagger UI groups the operations by their tags and shows each tag's description as its
// heading: a tag a route uses but the document does not declare is a group without a word
// of what it is. The routes' tags are the HTTP adapter's; the declarations are the server's.

interface OpenApiDocument {
  readonly tags?: readonly { readonly name: string; readonly description?: string }[];
  readonly paths: Record<string, Record<string, { readonly tags?: readonly string[] }>>;
}

describe("the standalone server's OpenAPI tags", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "leadledger-tags-"));
  let server: LeadLedgerServer;
  let document: OpenApiDocument;

  beforeAll(async () => {
    server = await createServer({ dataDir, demoLeads: 0, durability: "normal", logLevel: false });
    document = (await server.app.inject({ url: "/openapi.json" })).json<OpenApiDocument>();
  });
  afterAll(async () => {
    await server.app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("declares, with a description, every tag an operation uses, and none that no operation uses", () => {
    const declared = new Map(document.tags?.map((tag) => [tag.name, tag.description]) ?? []);
    const used = new Set<string>();
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.tags?.length ?? 0, where).toBeGreaterThan(0);
        for (const tag of operation.tags ?? []) {
          used.add(tag);
          expect(declared.get(tag)?.trim().length ?? 0, `${where}: tag ${tag}`).toBeGreaterThan(0);
        }
      }
    }
    expect([...declared.keys()].sort()).toEqual([...used].sort());
  });
});
