import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import type { EventStore, StoreError } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openEventStoreDbEventStore } from "./eventstoredb-event-store.js";

// These run the real client against servers that cannot answer, so no EventStoreDB is needed.
const TIMEOUT_MS = 500;
// Scheduling and connection set-up on a loaded CI machine; far below the client's own waits
// (forever for a silent server).
const SLACK_MS = 1_500;

interface Target {
  readonly port: number;
  stop(): Promise<void>;
}

/** A port nothing listens on: bound once to learn a free number, then released. */
const unreachablePort = async (): Promise<Target> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, stop: async () => {} };
};

/** A listener that accepts every connection and never writes a byte. */
const silentListener = async (): Promise<Target> => {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

const expectUnavailable = (result: E.Either<StoreError, unknown>): string => {
  if (E.isRight(result)) throw new Error("expected store.unavailable, the call succeeded");
  expect(result.left.code).toBe("store.unavailable");
  return result.left.code === "store.unavailable" ? result.left.message : "";
};

const timed = async <A>(run: () => Promise<A>): Promise<{ value: A; ms: number }> => {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
};

describe.each([
  ["an unreachable port", unreachablePort],
  ["a listener that accepts and never answers", silentListener],
])("the real client against %s", (_name, makeTarget) => {
  let target: Target;
  let store: EventStore;

  beforeEach(async () => {
    target = await makeTarget();
    store = openEventStoreDbEventStore({
      connectionString: `esdb://127.0.0.1:${target.port}?tls=false`,
      timeoutMs: TIMEOUT_MS,
      reconnect: { initialDelayMs: 10, maxAttempts: 1 },
    });
  });

  afterEach(async () => {
    const { ms } = await timed(() => store.close());
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    await target.stop();
  });

  it("an append gives store.unavailable within the timeout", async () => {
    const event = { id: randomUUID(), type: "LeadCaptured", data: {}, metadata: {} };
    const { value, ms } = await timed(() => store.appendToStream("lead-1", [event]));
    expect(expectUnavailable(value)).toMatch(/EventStoreDB/);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it("a second call after a failed one also gives store.unavailable in time", async () => {
    const event = { id: randomUUID(), type: "LeadCaptured", data: {}, metadata: {} };
    expectUnavailable(await store.appendToStream("lead-1", [event]));
    const { value, ms } = await timed(() => store.appendToStream("lead-1", [event]));
    expectUnavailable(value);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it("a stream read gives store.unavailable within the timeout", async () => {
    const { value, ms } = await timed(() => store.readStream("lead-1"));
    expectUnavailable(value);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it("a read of the log gives store.unavailable within the timeout", async () => {
    const { value, ms } = await timed(() => store.readAll({ maxCount: 10 }));
    expectUnavailable(value);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it("a subscription that cannot connect ends with store-failed once its retries are spent", async () => {
    const subscription = store.subscribe({}, () => {});
    // One attempt, one 10 ms wait, one reconnection attempt, each bounded by the timeout.
    const { value, ms } = await timed(() => subscription.ended);
    expect(value.reason).toBe("store-failed");
    if (value.reason === "store-failed") {
      expect(value.error.code).toBe("store.unavailable");
      expect(value.error).toMatchObject({ message: expect.stringMatching(/gave up after 1/) });
    }
    expect(ms).toBeLessThan(2 * TIMEOUT_MS + SLACK_MS);
  });
});

describe("openEventStoreDbEventStore", () => {
  it("rejects a malformed connection string at once", () => {
    expect(() => openEventStoreDbEventStore({ connectionString: "http://nope" })).toThrow();
  });
});
