import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LeadId } from "../lead/values.js";
import { leadIdForCapture } from "./lead-id.js";
import { newTimeOrderedId } from "./time-ordered-id.js";

const SECRET = new Uint8Array(32).fill(3);
const OTHER_SECRET = new Uint8Array(32).fill(4);
const derive = (commandId: string, actorId = "rep-1", secret = SECRET) =>
  leadIdForCapture(secret, actorId, commandId);

describe("leadIdForCapture", () => {
  it("derives a lower-case UUID version 8 from any command id, the same each time", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (commandId) => {
        const leadId = derive(commandId);
        expect(LeadId.is(leadId)).toBe(true);
        expect(leadId[14]).toBe("8");
        expect(derive(commandId)).toBe(leadId);
      }),
    );
  });

  it("gives different command ids different lead ids", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 2 }), (ids) => {
        expect(new Set(ids.map((id) => derive(id))).size).toBe(ids.length);
      }),
    );
  });

  it("gives two actors' captures with one command id two lead ids", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 2, maxLength: 2 }),
        (commandId, [a, b]) => {
          expect(derive(commandId, a)).not.toBe(derive(commandId, b));
        },
      ),
    );
    // The parts are kept apart: no actor id and command id can be shifted into each other.
    expect(derive("b:c", "a")).not.toBe(derive("c", "a:b"));
  });

  it("cannot be foretold from the command id without the ledger's secret", () => {
    // The unkeyed derivation of the past (SHA-256 of the command id) let anyone who knew
    // an Idempotency-Key compute the lead's id.
    expect(derive("demo-capture-1")).not.toBe(derive("demo-capture-1", "rep-1", OTHER_SECRET));
  });

  it("keeps the timestamp of a UUID version 7 command id, so leads sort as captured", () => {
    const earlier = "0192f5a0-0000-7abc-8def-0123456789ab";
    const later = "0192F5A0-0001-7ABC-8DEF-0123456789AB";
    expect(derive(earlier).slice(0, 13)).toBe("0192f5a0-0000");
    expect(derive(later).slice(0, 13)).toBe("0192f5a0-0001");
    expect(derive(earlier) < derive(later)).toBe(true);
    // The rest is the keyed hash, as for any other id.
    expect(derive(earlier).slice(14)).not.toBe(derive(later).slice(14));
  });

  it("does not take a time prefix from a command id that is not a UUID version 7", () => {
    const v4 = "0192f5a0-0000-4abc-8def-0123456789ab";
    expect(derive(v4).slice(0, 13)).not.toBe("0192f5a0-0000");
  });

  it("orders the leads of ids made one millisecond apart", async () => {
    const first = newTimeOrderedId();
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = newTimeOrderedId();
    expect(derive(first) < derive(second)).toBe(true);
  });
});
