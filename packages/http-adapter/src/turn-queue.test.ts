import { describe, expect, it } from "vitest";
import { createTurnQueue } from "./turn-queue.js";

describe("the turn queue", () => {
  it("runs work in the order it was queued, one piece per turn of the event loop", async () => {
    const inTurn = createTurnQueue();
    const seen: string[] = [];
    const done = Promise.all(
      ["a", "b", "c"].map((name) =>
        inTurn(() => {
          seen.push(name);
          // Whatever the loop has to do after this piece comes before the next piece.
          setImmediate(() => seen.push(`after ${name}`));
          return name.toUpperCase();
        }),
      ),
    );
    expect(seen).toEqual([]);
    expect(await done).toEqual(["A", "B", "C"]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(["a", "after a", "b", "after b", "c", "after c"]);
  });

  it("rejects with what the work threw, and goes on with the next", async () => {
    const inTurn = createTurnQueue();
    const failing = inTurn(() => {
      throw new Error("a bug");
    });
    const next = inTurn(() => 2);
    await expect(failing).rejects.toThrow("a bug");
    expect(await next).toBe(2);
  });
});
