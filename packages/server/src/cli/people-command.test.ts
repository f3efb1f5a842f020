import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureBody } from "../http-requests.test-fixture.js";
import { createServer, type LeadLedgerServer } from "../server.js";
import { runCli, useScratch } from "./cli-run.test-fixture.js";

// Issue 14: `leadledger people` adds, moves and retires people in a data directory's
// organisation while a server runs on it, and the server honours each change at its next
// command (docs/organisation.md, docs/operations.md).

const scratch = useScratch();
let dataDir: string;
let server: LeadLedgerServer;
let admin: string;
beforeAll(async () => {
  dataDir = scratch();
  server = await createServer({ dataDir, demo: false, durability: "normal", logLevel: false });
  admin = server.issuedTokens[0]?.token ?? "";
});
afterAll(async () => {
  await server.app.close();
});

let phone = 0;
const capture = async (repId: string, department: string) => {
  phone++;
  const body = captureBody({ owner: { repId, department } });
  const response = await server.app.inject({
    method: "POST",
    url: "/leads",
    headers: { authorization: `Bearer ${admin}` },
    payload: {
      ...body,
      contact: {
        ...(body.contact as object),
        phone: `+86 139 5500 ${String(1000 + phone)}`,
        email: `people-cli-${phone}@example.cn`,
      },
    },
  });
  return { status: response.statusCode, code: response.json().code as string | undefined };
};
const people = (...argv: string[]) => runCli("people", ...argv, "--data-dir", dataDir);

describe("leadledger people, while a server runs on the data directory", () => {
  it("adds a rep whom the server then takes as an owner, and lists them", async () => {
    expect(await capture("rep-cli", "east")).toEqual({ status: 422, code: "owner.unknown" });
    const added = await people(
      "add",
      "rep-cli",
      "--name",
      "命令行",
      "--role",
      "rep",
      "--department",
      "east",
    );
    expect([added.code, added.stderr]).toEqual([0, ""]);
    expect(added.stdout).toMatch(/^joined: rep-cli \(命令行\), rep in east, from /);
    expect((await capture("rep-cli", "east")).status).toBe(201);

    const listed = await people("list");
    expect(listed.code).toBe(0);
    const rows = listed.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/\s{2,}/));
    expect(rows).toEqual([
      ["person", "role", "department", "status", "name"],
      ["admin", "executive", "hq", "active", "admin"],
      ["rep-cli", "rep", "east", "active", "命令行"],
    ]);
    // The server's own list says the same.
    const overHttp = await server.app.inject({
      url: "/people?role=rep",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(overHttp.json().people).toEqual([
      { personId: "rep-cli", displayName: "命令行", role: "rep", department: "east", active: true },
    ]);
  });

  it("moves and retires them, and the server follows at once", async () => {
    const moved = await people("move", "rep-cli", "--department", "south");
    expect([moved.code, moved.stdout]).toEqual([
      0,
      expect.stringMatching(/^moved: rep-cli to south/),
    ]);
    expect(await capture("rep-cli", "east")).toEqual({ status: 422, code: "owner.unknown" });
    expect((await capture("rep-cli", "south")).status).toBe(201);

    const left = await people("leave", "rep-cli");
    expect(left.code).toBe(0);
    expect(await capture("rep-cli", "south")).toEqual({ status: 422, code: "owner.inactive" });
    const listed = await people("list", "--active");
    expect(listed.stdout).not.toContain("rep-cli");
    expect((await people("list", "--department", "south")).stdout).toMatch(
      /rep-cli\s+rep\s+south\s+left/,
    );
  });

  it("says why the organisation refused, exit 1, recording nothing", async () => {
    const again = await people("leave", "rep-cli");
    expect([again.code, again.stdout]).toEqual([1, ""]);
    expect(again.stderr).toMatch(
      /^leadledger people leave: rep-cli has left already \(person\.inactive\)/,
    );
    const unknown = await people("move", "nobody", "--department", "east");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("person.unknown");
    const twice = await people(
      "add",
      "admin",
      "--name",
      "x",
      "--role",
      "executive",
      "--department",
      "hq",
    );
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("person.already-active");
  });

  it.each([
    [
      ["add", "rep-x", "--name", "x", "--role", "boss", "--department", "east"],
      /Allowed choices are rep, head, executive/,
    ],
    [["add", "rep-x", "--name", " ", "--role", "rep", "--department", "east"], /not blank/],
    [["add", "rep-x", "--name", "x", "--role", "rep"], /required option '--department <id>'/],
    [["leave", "rep-x", "--at", "yesterday"], /ISO-8601/],
    [["move", "rep-x"], /required option '--department <id>'/],
  ])("answers a mistake in the command line %j with exit 2", async (argv, why) => {
    const run = await people(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(why);
  });

  it("refuses a data directory without events, and says how to get one", async () => {
    const empty = scratch();
    const run = await runCli("people", "list", "--data-dir", empty);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/holds no events\.sqlite: start the server on it once first/);
  });

  it("shows its usage and exit codes", async () => {
    const run = await runCli("people", "--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: leadledger people /);
    for (const command of ["list", "add", "leave", "move"]) {
      expect(run.stdout).toMatch(new RegExp(`^  ${command}`, "m"));
    }
    expect(run.stdout).toMatch(/Exit codes:\n {2}0 {2}.+\n {2}1 {2}.+\n {2}2 {2}usage error/);
  });
});
