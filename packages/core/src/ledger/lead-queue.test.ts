import { describe, expect, it } from "vitest";
import { LeadQueue } from "./lead-queue.js";

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("LeadQueue", () => {
  it("runs the work on one lead one at a time, in the order it came", async () => {
    const queue = new LeadQueue();
    const log: string[] = [];
    const step = (name: string, ticks: number) => async () => {
      log.push(`${name} starts`);
      for (let i = 0; i < ticks; i++) await settle();
      log.push(`${name} ends`);
      return name;
    };
    const answers = await Promise.all([
      queue.run("lead-1", step("a", 3)),
      queue.run("lead-1", step("b", 1)),
      queue.run("lead-1", step("c", 0)),
    ]);
    expect(answers).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["a starts", "a ends", "b starts", "b ends", "c starts", "c ends"]);
  });

  it("lets work on other leads run meanwhile, and starts a free lead's work at once", async () => {
    const queue = new LeadQueue();
    let release = () => {};
    const blocked = queue.run("lead-1", () => new Promise<void>((resolve) => (release = resolve)));
    let started = false;
    const other = queue.run("lead-2", async () => {
      started = true;
    });
    // Started within run() itself, not a tick later.
    expect(started).toBe(true);
    await other;
    release();
    await blocked;
  });

  it("goes on after a failure, and forgets a lead once its work is done", async () => {
    const queue = new LeadQueue();
    const failed = queue.run("lead-1", async () => {
      throw new Error("refused");
    });
    const next = queue.run("lead-1", async () => "next");
    await expect(failed).rejects.toThrow("refused");
    await expect(next).resolves.toBe("next");
    await settle();
    expect(queue.size).toBe(0);
  });
});
