import { statSync } from "node:fs";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { useTempDirectories } from "../temp-directory.test-fixture.js";
import { openSqliteWorklistStore } from "./sqlite-worklist-store.js";

const tempDirectory = useTempDirectories();

const right = <A>(result: E.Either<{ code: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${result.left.code}`);
  return result.right;
};

describe("the SQLite worklist store", () => {
  it("keeps cards and terms with their checkpoint across a reopen, in a file only its owner reads", async () => {
    const path = join(tempDirectory(), "worklist.sqlite");
    const store = openSqliteWorklistStore({ path });
    expect(right(await store.checkpoint())).toBeUndefined();
    right(
      await store.commit({
        entries: [
          { leadId: "a", sealedCard: "box-a", terms: ["t1", "t2"] },
          { leadId: "b", sealedCard: "box-b", terms: ["t2"] },
        ],
        removed: [],
        checkpoint: 7n,
      }),
    );
    right(
      await store.commit({
        entries: [{ leadId: "b", sealedCard: "box-b2", terms: ["t3"] }],
        removed: ["a"],
        checkpoint: 9n,
      }),
    );
    await store.close();
    expect((statSync(path).mode & 0o777).toString(8)).toBe("600");

    const reopened = openSqliteWorklistStore({ path });
    expect(right(await reopened.checkpoint())).toBe(9n);
    expect(right(await reopened.sealedCards(["a", "b", "c"]))).toEqual(new Map([["b", "box-b2"]]));
    expect(right(await reopened.leadsWithTerm("t1"))).toEqual([]);
    expect(right(await reopened.leadsWithTerm("t2"))).toEqual([]);
    expect(right(await reopened.leadsWithTerm("t3"))).toEqual(["b"]);
    await reopened.close();
  });

  it("writes a batch whole or not at all: a failure midway leaves rows and checkpoint as they were", async () => {
    const path = join(tempDirectory(), "worklist.sqlite");
    const store = openSqliteWorklistStore({ path });
    right(
      await store.commit({
        entries: [{ leadId: "a", sealedCard: "box-a", terms: ["t1"] }],
        removed: [],
        checkpoint: 3n,
      }),
    );
    const failed = await store.commit({
      entries: [
        { leadId: "b", sealedCard: "box-b", terms: ["t1"] },
        // NOT NULL: the write fails after lead b's rows went in.
        { leadId: "c", sealedCard: null as unknown as string, terms: [] },
      ],
      removed: ["a"],
      checkpoint: 5n,
    });
    expect(E.isLeft(failed) && failed.left.code).toBe("worklist.unavailable");
    expect(right(await store.checkpoint())).toBe(3n);
    expect(right(await store.sealedCards(["a", "b"]))).toEqual(new Map([["a", "box-a"]]));
    expect(right(await store.leadsWithTerm("t1"))).toEqual(["a"]);
    await store.close();
  });

  it("answers a term read again as the file stands now: after its own commits and another process's", async () => {
    const path = join(tempDirectory(), "worklist.sqlite");
    const store = openSqliteWorklistStore({ path });
    const other = openSqliteWorklistStore({ path });
    right(
      await store.commit({
        entries: [{ leadId: "a", sealedCard: "box-a", terms: ["t1"] }],
        removed: [],
        checkpoint: 1n,
      }),
    );
    expect(right(await store.leadsWithTerm("t1"))).toEqual(["a"]);
    expect(right(await store.leadsWithTerm("t1"))).toEqual(["a"]);
    right(
      await store.commit({
        entries: [{ leadId: "b", sealedCard: "box-b", terms: ["t1"] }],
        removed: [],
        checkpoint: 2n,
      }),
    );
    expect([...right(await store.leadsWithTerm("t1"))].sort()).toEqual(["a", "b"]);
    // Another server process on the same file purges lead a and indexes c.
    expect([...right(await other.leadsWithTerm("t1"))].sort()).toEqual(["a", "b"]);
    right(
      await other.commit({
        entries: [{ leadId: "c", sealedCard: "box-c", terms: ["t1"] }],
        removed: ["a"],
        checkpoint: 3n,
      }),
    );
    expect([...right(await store.leadsWithTerm("t1"))].sort()).toEqual(["b", "c"]);
    await other.close();
    await store.close();
  });
});
