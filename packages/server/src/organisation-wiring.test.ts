import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ActorRecord,
  createLeadLedger,
  createOrganisation,
  type EventStore,
  type Identifier,
  type Instant,
  ORGANISATION_STREAM,
} from "@leadledger/core";
import { ledgerFiles, openSqliteEventStore, openSqliteKeyStore } from "@leadledger/sqlite-adapter";
import * as E from "fp-ts/lib/Either.js";
import { afterEach, describe, expect, it } from "vitest";
import { captureBody, joinRep } from "./http-requests.test-fixture.js";
import { createServer, type LeadLedgerServer } from "./server.js";
import { loadOrCreateServerConfig } from "./server-config.js";

// Issue 14: the standalone server checks every owner against its organisation, which lives
// in the same event store, is seeded with the demo's people (or the single admin), takes in
// an older data directory's token holders, and sees what another process recorded.

const made: string[] = [];
const servers: LeadLedgerServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.app.close();
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});
const dataDirectory = () => {
  const directory = mkdtempSync(join(tmpdir(), "leadledger-organisation-"));
  made.push(directory);
  return directory;
};
const start = async (dataDir: string, demo: boolean): Promise<LeadLedgerServer> => {
  const server = await createServer({
    dataDir,
    demo,
    demoLeads: 5,
    durability: "normal",
    logLevel: false,
  });
  servers.push(server);
  return server;
};

const tokenOf = (server: LeadLedgerServer, id: string): string => {
  const issued = server.issuedTokens.find((token) => token.actor.id === id);
  if (issued === undefined) throw new Error(`no token for ${id}`);
  return issued.token;
};
const allEvents = async (store: EventStore) => {
  const all = await store.readAll();
  if (E.isLeft(all)) throw new Error(all.left.code);
  return all.right;
};
const organisationEvents = async (store: EventStore) =>
  (await allEvents(store)).filter((event) => event.stream === ORGANISATION_STREAM);

let phone = 0;
/** A capture for `owner`, with a phone and e-mail of its own (no duplicate refusal). */
const captureFor = (repId: string, department: string) => {
  phone++;
  const body = captureBody({ owner: { repId, department } });
  return {
    ...body,
    contact: {
      ...(body.contact as object),
      phone: `+86 139 ${String(4000_0000 + phone).replace(/(\d{4})(\d{4})/, "$1 $2")}`,
      email: `owner-check-${phone}@example.cn`,
    },
  };
};
const post = (
  server: LeadLedgerServer,
  token: string,
  url: string,
  payload: object,
  key?: string,
) =>
  server.app.inject({
    method: "POST",
    url,
    headers: {
      authorization: `Bearer ${token}`,
      ...(key === undefined ? {} : { "idempotency-key": key }),
    },
    payload,
  });
const ago = (ms: number) => new Date(Date.now() - ms).toISOString() as Instant;

describe("the server's organisation on start", () => {
  it("records the demo's seven people before its leads, under their work names", async () => {
    const server = await start(dataDirectory(), true);
    const events = await allEvents(server.eventStore);
    const people = events.filter((event) => event.stream === ORGANISATION_STREAM);
    expect(people.map((event) => [event.type, event.data.personId, event.data.role])).toEqual([
      ["PersonJoined", "rep-zhang-wei", "rep"],
      ["PersonJoined", "rep-li-na", "rep"],
      ["PersonJoined", "rep-wang-fang", "rep"],
      ["PersonJoined", "rep-chen-jie", "rep"],
      ["PersonJoined", "head-liu-yang", "head"],
      ["PersonJoined", "head-zhao-min", "head"],
      ["PersonJoined", "exec-sun", "executive"],
    ]);
    expect(people.map((event) => event.data.displayName)).toEqual([
      "张伟",
      "李娜",
      "王芳",
      "陈杰",
      "刘洋",
      "赵敏",
      "孙总",
    ]);
    // The people come first: the demo's leads, recorded after them, name them as owners.
    expect(events.slice(0, 7).every((event) => event.stream === ORGANISATION_STREAM)).toBe(true);
    expect(server.seeded?.leads).toBe(5);
    const person = await server.organisation.findPerson("head-zhao-min");
    expect(person).toEqual(
      E.right({
        personId: "head-zhao-min",
        displayName: "赵敏",
        role: "head",
        department: "south",
        active: true,
      }),
    );
    // A restart joins no one again.
    const before = (await organisationEvents(server.eventStore)).length;
    const dataDir = made[made.length - 1] as string;
    await server.app.close();
    servers.splice(servers.indexOf(server), 1);
    const again = await start(dataDir, true);
    expect((await organisationEvents(again.eventStore)).length).toBe(before);
  });

  it("records an admin-only server's executive, who owns no leads: a rep joins before a capture", async () => {
    const server = await start(dataDirectory(), false);
    const people = await organisationEvents(server.eventStore);
    expect(people.map((event) => [event.data.personId, event.data.role])).toEqual([
      ["admin", "executive"],
    ]);
    const admin = tokenOf(server, "admin");
    const refused = await post(server, admin, "/leads", captureFor("admin", "hq"));
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: "owner.unknown" });
    await joinRep(server, "rep-first", "east");
    expect((await post(server, admin, "/leads", captureFor("rep-first", "east"))).statusCode).toBe(
      201,
    );
  });

  it("joins the token holders of a data directory made before the organisation, once", async () => {
    const dataDir = dataDirectory();
    // What older code left: config.json with its tokens, leads, and no organisation stream.
    const actor = (id: string, role: string, department: string) => {
      const decoded = ActorRecord.decode({ id, role, department });
      if (E.isLeft(decoded)) throw new Error("bad actor");
      return decoded.right;
    };
    const holders = [
      { name: "老王 (rep)", displayName: "unused", actor: actor("rep-old", "rep", "east") },
      { name: "admin (executive)", displayName: "admin", actor: actor("admin", "executive", "hq") },
    ];
    const created = loadOrCreateServerConfig(dataDir, holders, Date.now(), false);
    if (E.isLeft(created)) throw new Error(created.left);
    const files = ledgerFiles(dataDir);
    const oldStore = openSqliteEventStore({ path: files.events, synchronous: "normal" });
    const oldKeys = openSqliteKeyStore({ path: files.keys, synchronous: "normal" });
    const oldLedger = createLeadLedger({
      eventStore: oldStore,
      keyStore: oldKeys,
      secret: new Uint8Array(Buffer.from(created.right.config.secret, "base64")),
    });
    const captured = await oldLedger.execute(holders[0]?.actor, {
      ...captureFor("rep-old", "east"),
      type: "CaptureLead",
      commandId: "old-capture",
    } as Record<string, unknown>);
    expect(E.isRight(captured)).toBe(true);
    await oldStore.close();
    await oldKeys.close();

    const server = await start(dataDir, false);
    const people = await organisationEvents(server.eventStore);
    // The token's own name: "unused" was never written to the old config.json.
    expect(people.map((event) => [event.data.personId, event.data.displayName])).toEqual([
      ["rep-old", "老王 (rep)"],
      ["admin", "admin"],
    ]);
    // Its leads' owner stays valid: a lead can still be given to them.
    const admin = created.right.issued.find((token) => token.actor.id === "admin")?.token ?? "";
    const again = await post(server, admin, "/leads", captureFor("rep-old", "east"));
    expect(again.statusCode).toBe(201);
    await server.app.close();
    servers.splice(servers.indexOf(server), 1);
    const restarted = await start(dataDir, false);
    expect(await organisationEvents(restarted.eventStore)).toHaveLength(2);
  });
});

describe("owners on the wired server", () => {
  it("refuses a capture or assignment to an unknown, left or wrong-department person, appending nothing", async () => {
    const server = await start(dataDirectory(), true);
    const executive = tokenOf(server, "exec-sun");
    await joinRep(server, "rep-gone", "east");
    const left = await server.organisation.leave("rep-gone" as Identifier, ago(60_000));
    expect(E.isRight(left)).toBe(true);
    const accepted = await post(server, executive, "/leads", captureFor("rep-zhang-wei", "east"));
    expect(accepted.statusCode).toBe(201);
    const { leadId } = accepted.json<{ leadId: string }>();

    const refusals: [string, string, string][] = [
      ["nobody-at-all", "east", "owner.unknown"],
      ["rep-zhang-wei", "south", "owner.unknown"],
      ["exec-sun", "hq", "owner.unknown"],
      ["rep-gone", "east", "owner.inactive"],
    ];
    const recorded = (await allEvents(server.eventStore)).length;
    for (const [repId, department, code] of refusals) {
      const capture = await post(server, executive, "/leads", captureFor(repId, department));
      expect([repId, capture.statusCode, capture.json().code]).toEqual([repId, 422, code]);
      const assignment = await post(
        server,
        executive,
        `/leads/${leadId}/assignment`,
        { to: { repId, department } },
        `assign-${repId}-${department}`,
      );
      expect([repId, assignment.statusCode, assignment.json().code]).toEqual([repId, 422, code]);
    }
    expect((await allEvents(server.eventStore)).length).toBe(recorded);
    const moved = await post(
      server,
      executive,
      `/leads/${leadId}/assignment`,
      { to: { repId: "rep-li-na", department: "east" } },
      "assign-li-na",
    );
    expect(moved.statusCode).toBe(200);
  });

  it("sees a person another process joined or retired at its next command", async () => {
    const dataDir = dataDirectory();
    const server = await start(dataDir, true);
    const executive = tokenOf(server, "exec-sun");
    // Another process: its own connection to the same file, its own organisation.
    const otherStore = openSqliteEventStore({ path: ledgerFiles(dataDir).events });
    try {
      const other = createOrganisation({
        eventStore: otherStore,
        newId: () => crypto.randomUUID(),
      });
      // The server has read the organisation already (it seeded the demo with it).
      expect(await server.organisation.findPerson("rep-new")).toEqual(E.right(undefined));
      const joined = await other.join({
        personId: "rep-new" as Identifier,
        displayName: "新人" as never,
        role: "rep",
        department: "south" as Identifier,
        at: ago(60_000),
      });
      expect(E.isRight(joined)).toBe(true);
      const captured = await post(server, executive, "/leads", captureFor("rep-new", "south"));
      expect(captured.statusCode).toBe(201);

      expect(E.isRight(await other.leave("rep-new" as Identifier, ago(1_000)))).toBe(true);
      const refused = await post(server, executive, "/leads", captureFor("rep-new", "south"));
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({ code: "owner.inactive" });
      // And the other way round: the other process sees what the server's organisation wrote.
      expect(
        E.isRight(
          await server.organisation.move(
            "rep-li-na" as Identifier,
            "south" as Identifier,
            ago(500),
          ),
        ),
      ).toBe(true);
      expect(await other.findPerson("rep-li-na")).toMatchObject(
        E.right({ department: "south", active: true }),
      );
    } finally {
      await otherStore.close();
    }
  });
});
