import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CommandRecord } from "./command-index.js";
import { CommandIndex, fnvFingerprint } from "./command-index.js";

const event = (revision: number, digest = `digest-${revision}`) => ({
  digest,
  revision: BigInt(revision),
  position: BigInt(1_000 + revision),
});

/** One command of `events` events after `revision`, recorded as the ledger does. */
const recordCommand = (index: CommandIndex, key: string, firstRevision: number, events = 1) => {
  for (let n = 0; n < events; n++) index.record(key, event(firstRevision + n, `digest-${key}`));
};

describe("the command index of a loaded lead", () => {
  it("keeps the exact record of the latest commands, a fingerprint of older ones", () => {
    const index = new CommandIndex({ recent: 2, fingerprint: fnvFingerprint });
    recordCommand(index, "a", 0, 2);
    recordCommand(index, "b", 2);
    recordCommand(index, "c", 3, 3);
    expect(index.lookup("a")).toEqual({ found: "perhaps" });
    expect(index.lookup("b")).toEqual({
      found: "recorded",
      record: { digest: "digest-b", firstRevision: 2n, lastRevision: 2n, position: 1_002n },
    });
    expect(index.lookup("c")).toEqual({
      found: "recorded",
      record: { digest: "digest-c", firstRevision: 3n, lastRevision: 5n, position: 1_005n },
    });
    expect(index.lookup("d")).toEqual({ found: "never" });
  });

  it("answers 'perhaps' for a command it never saw whose fingerprint collides", () => {
    const index = new CommandIndex({ recent: 1, fingerprint: () => 0 });
    recordCommand(index, "old", 0);
    recordCommand(index, "latest", 1);
    expect(index.lookup("old")).toEqual({ found: "perhaps" });
    expect(index.lookup("never-sent")).toEqual({ found: "perhaps" });
  });

  it("grows by at most 11 bytes a command once past the exact records", () => {
    const index = new CommandIndex({ recent: 16, fingerprint: fnvFingerprint });
    for (let n = 0; n < 16; n++) recordCommand(index, `command-${n}`, n);
    const exact = index.bytes;
    for (let commands = 16; commands < 100_016; commands++) {
      recordCommand(index, `command-${commands}`, commands);
    }
    expect(index.bytes - exact).toBeLessThanOrEqual(11 * 100_000);
    // Every one of them is still known: none could be taken for a new command.
    for (let n = 0; n < 100_016; n += 997) {
      expect(index.lookup(`command-${n}`).found).not.toBe("never");
    }
  });

  it("refuses to keep fewer than one exact record", () => {
    expect(() => new CommandIndex({ recent: 0, fingerprint: fnvFingerprint })).toThrow(RangeError);
  });

  it("never takes a recorded command for a new one, and knows exactly the latest ones", () => {
    const fingerprints = fc.constantFrom(
      fnvFingerprint,
      // Collisions forced: everything alike, or in three classes.
      () => 7,
      (key: string) => key.length % 3,
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 60, maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fingerprints,
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 10 }),
        (keys, sizes, recent, fingerprint, others) => {
          const index = new CommandIndex({ recent, fingerprint });
          const everything = new Map<string, CommandRecord>();
          let revision = 0;
          keys.forEach((key, n) => {
            const events = sizes[n] ?? 1;
            recordCommand(index, key, revision, events);
            everything.set(key, {
              digest: `digest-${key}`,
              firstRevision: BigInt(revision),
              lastRevision: BigInt(revision + events - 1),
              position: BigInt(1_000 + revision + events - 1),
            });
            revision += events;
          });
          const latest = new Set(keys.slice(-recent));
          for (const key of keys) {
            const known = index.lookup(key);
            if (latest.has(key)) {
              expect(known).toEqual({ found: "recorded", record: everything.get(key) });
            } else {
              expect(known).toEqual({ found: "perhaps" });
            }
          }
          for (const other of others.filter((key) => !everything.has(key))) {
            expect(index.lookup(other).found).not.toBe("recorded");
          }
        },
      ),
    );
  });
});
