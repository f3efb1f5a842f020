import { describe, expect, it } from "vitest";
import { newTimeOrderedId } from "./time-ordered-id.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newTimeOrderedId", () => {
  it("makes distinct UUIDs version 7", () => {
    const ids = Array.from({ length: 20_000 }, newTimeOrderedId);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("carries the time it was made, to the millisecond", async () => {
    const before = Date.now();
    const id = newTimeOrderedId();
    const after = Date.now();
    const millis = Number.parseInt(id.replace("-", "").slice(0, 12), 16);
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(after);
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(newTimeOrderedId() > id).toBe(true);
  });
});
