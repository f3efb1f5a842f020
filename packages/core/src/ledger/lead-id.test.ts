import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LeadId } from "../lead/values.js";
import { leadIdForCapture } from "./lead-id.js";
import { newTimeOrderedId } from "./time-ordered-id.js";

describe("leadIdForCapture", () => {
  it("derives a lower-case UUID version 8 from any command id, the same each time", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (commandId) => {
        const leadId = leadIdForCapture(commandId);
        expect(LeadId.is(leadId)).toBe(true);
        expect(leadId[14]).toBe("8");
        expect(leadIdForCapture(commandId)).toBe(leadId);
      }),
    );
  });

  it("gives different command ids different lead ids", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 2 }), (ids) => {
        expect(new Set(ids.map(leadIdForCapture)).size).toBe(ids.length);
      }),
    );
  });

  it("keeps the timestamp of a UUID version 7 command id, so leads sort as captured", () => {
    const earlier = "0192f5a0-0000-7abc-8def-0123456789ab";
    const later = "0192F5A0-0001-7ABC-8DEF-0123456789AB";
    expect(leadIdForCapture(earlier).slice(0, 13)).toBe("0192f5a0-0000");
    expect(leadIdForCapture(later).slice(0, 13)).toBe("0192f5a0-0001");
    expect(leadIdForCapture(earlier) < leadIdForCapture(later)).toBe(true);
    // The rest is the hash of the command id, as for any other id.
    expect(leadIdForCapture(earlier).slice(14)).not.toBe(leadIdForCapture(later).slice(14));
  });

  it("does not take a time prefix from a command id that is not a UUID version 7", () => {
    const v4 = "0192f5a0-0000-4abc-8def-0123456789ab";
    expect(leadIdForCapture(v4).slice(0, 13)).not.toBe("0192f5a0-0000");
  });

  it("orders the leads of ids made one millisecond apart", async () => {
    const first = newTimeOrderedId();
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = newTimeOrderedId();
    expect(leadIdForCapture(first) < leadIdForCapture(second)).toBe(true);
  });
});
