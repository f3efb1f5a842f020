import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Actor, ActorRecord } from "@leadledger/core";
import type { FastifyRequest } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, describe, expect, it } from "vitest";
import { hashApiToken } from "../api-tokens.js";
import { apiTokenAdministration } from "./api-token-administration.js";
import { openSqliteApiTokenStore } from "./sqlite-api-token-store.js";
import { storedTokenAuthentication } from "./stored-token-authentication.js";

const made: string[] = [];
afterAll(() => {
  for (const directory of made) rmSync(directory, { recursive: true, force: true });
});
const tokensFile = (): string => {
  const directory = mkdtempSync(join(tmpdir(), "leadledger-tokens-"));
  made.push(directory);
  return join(directory, "tokens.sqlite");
};

const actor = (id: string, role: string, department: string): Actor => {
  const decoded = ActorRecord.decode({ id, role, department });
  if (E.isLeft(decoded)) throw new Error(id);
  return decoded.right;
};
const REP = actor("rep-zhang-wei", "rep", "east");
const DAY = 86_400_000;
const T0 = Date.parse("2026-12-01T00:00:00Z");

const bearer = (token: string) =>
  ({ headers: { authorization: `Bearer ${token}` } }) as unknown as FastifyRequest;

const right = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(JSON.stringify(either.left));
  return either.right;
};

describe("the SQLite token store", () => {
  it("refuses a token revoked through another connection to the same file on its next lookup", async () => {
    const file = tokensFile();
    const one = openSqliteApiTokenStore({ path: file });
    const other = openSqliteApiTokenStore({ path: file });
    await one.add({
      tokenId: "tok_first",
      personId: REP.id,
      actor: REP,
      label: "laptop",
      sha256: hashApiToken("llk_secret"),
      createdAt: T0,
      expiresAt: T0 + 90 * DAY,
      revokedAt: null,
      replaces: null,
    });
    const authenticate = storedTokenAuthentication({ store: other, clock: () => T0 + DAY });
    expect(await authenticate(bearer("llk_secret"))).toEqual(E.right(REP));
    right(await apiTokenAdministration({ store: one, clock: () => T0 + DAY }).revoke("tok_first"));
    expect(await authenticate(bearer("llk_secret"))).toEqual(
      E.left({ code: "auth.token-revoked" }),
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await one.close();
    await other.close();
  });

  it("refuses a token from its expiry on, by the clock it is given", async () => {
    const store = openSqliteApiTokenStore({ path: tokensFile() });
    let now = T0;
    const clock = () => now;
    right(
      await store.add({
        tokenId: "tok_seed",
        personId: REP.id,
        actor: REP,
        label: "seed",
        sha256: hashApiToken("llk_seed"),
        createdAt: T0,
        expiresAt: T0 + DAY,
        revokedAt: null,
        replaces: null,
      }),
    );
    const administration = apiTokenAdministration({ store, clock });
    const issued = right(
      await administration.issue({ personId: REP.id, label: "a week", expiresInDays: 7 }),
    );
    expect(issued.expiresAt).toBe(T0 + 7 * DAY);
    const authenticate = storedTokenAuthentication({ store, clock });
    now = T0 + 7 * DAY - 1;
    expect(E.isRight(await authenticate(bearer(issued.token)))).toBe(true);
    now = T0 + 7 * DAY;
    expect(await authenticate(bearer(issued.token))).toEqual(
      E.left({ code: "auth.token-expired" }),
    );
    expect(await authenticate(bearer("llk_never-issued"))).toEqual(
      E.left({ code: "auth.unknown-token" }),
    );
    // The default life when none is named.
    const plain = right(await administration.issue({ personId: REP.id, label: "plain" }));
    expect(plain.expiresAt).toBe(now + 90 * DAY);
    await store.close();
  });

  it("lists tokens without secrets or hashes, and rotates one into a new one in one step", async () => {
    const store = openSqliteApiTokenStore({ path: tokensFile() });
    const administration = apiTokenAdministration({
      store,
      clock: () => T0,
      currentActorOf: async (personId) =>
        E.right(personId === REP.id ? actor(REP.id, "rep", "south") : "left"),
    });
    const issued = right(await administration.issue({ personId: REP.id, label: "phone" }));
    // The organisation says where the person is now: the token acts there.
    expect(issued.department).toBe("south");
    expect(await administration.issue({ personId: "gone", label: "x" })).toEqual(
      E.left({ code: "token.person-unknown", personId: "gone" }),
    );
    const rotated = right(await administration.rotate(issued.tokenId, { expiresInDays: 30 }));
    expect(rotated).toMatchObject({ replaces: issued.tokenId, label: "phone", status: "active" });
    expect(await administration.rotate(issued.tokenId, {})).toEqual(
      E.left({ code: "token.inactive", tokenId: issued.tokenId }),
    );
    const authenticate = storedTokenAuthentication({ store, clock: () => T0 + 1 });
    expect(await authenticate(bearer(issued.token))).toEqual(
      E.left({ code: "auth.token-revoked" }),
    );
    expect(E.isRight(await authenticate(bearer(rotated.token)))).toBe(true);

    const listed = JSON.stringify(right(await administration.list({ personId: REP.id })));
    for (const secret of [issued.token, rotated.token]) {
      expect(listed).not.toContain(secret);
      expect(listed).not.toContain(hashApiToken(secret));
    }
    expect(right(await administration.list({})).map((t) => t.status)).toEqual([
      "revoked",
      "active",
    ]);
    await store.close();
  });

  it("asks the organisation on every request: a person who left is refused, one who moved acts there", async () => {
    const store = openSqliteApiTokenStore({ path: tokensFile() });
    right(
      await store.add({
        tokenId: "tok_mover",
        personId: REP.id,
        actor: REP,
        label: "laptop",
        sha256: hashApiToken("llk_mover"),
        createdAt: T0,
        expiresAt: T0 + DAY,
        revokedAt: null,
        replaces: null,
      }),
    );
    let where: Actor | "left" | undefined = actor(REP.id, "rep", "south");
    const authenticate = storedTokenAuthentication({
      store,
      clock: () => T0,
      currentActorOf: async () => E.right(where),
    });
    expect(await authenticate(bearer("llk_mover"))).toEqual(E.right(where));
    where = undefined;
    expect(await authenticate(bearer("llk_mover"))).toEqual(E.right(REP));
    where = "left";
    expect(await authenticate(bearer("llk_mover"))).toEqual(E.left({ code: "auth.person-left" }));
    await store.close();
  });
});
