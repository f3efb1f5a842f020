import { createServer, type Server, type Socket } from "node:net";
import { createInMemoryKeyStore, createLeadLedger } from "@leadledger/core";
import { createInMemoryReadModelStore, createProjectionRunner } from "@leadledger/projections";
import { captureLead, executiveActor } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openEventStoreDbEventStore } from "./eventstoredb-event-store.js";

// The ledger and the projection runner take this store as a plain EventStore, with no code
// of their own for it: injected here against a server that never answers, each gives
// store.unavailable within the store's deadline instead of hanging.

const TIMEOUT_MS = 400;
let server: Server;
let port = 0;
const sockets = new Set<Socket>();

beforeEach(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const openStore = () =>
  openEventStoreDbEventStore({
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    timeoutMs: TIMEOUT_MS,
  });

describe("the EventStoreDB store injected into leadledger's services", () => {
  it("the ledger answers store.unavailable within the deadline", async () => {
    const store = openStore();
    const ledger = createLeadLedger({
      eventStore: store,
      keyStore: createInMemoryKeyStore(),
      secret: new Uint8Array(32).fill(1),
    });
    const started = performance.now();
    const result = await ledger.execute(
      // The capture names its lead id, which only an executive may (issue 12).
      executiveActor,
      captureLead({ acquiredAt: new Date().toISOString() } as never),
    );
    expect(E.isLeft(result) && result.left.code).toBe("store.unavailable");
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS * 4 + 1_500);
    await store.close();
  });

  it("the projection runner reports store.unavailable from start()", async () => {
    const store = openStore();
    const runner = createProjectionRunner({
      events: store,
      readModel: createInMemoryReadModelStore(),
      retryDelayMs: 60_000,
    });
    const started = await runner.start();
    expect(E.isLeft(started) && started.left.code).toBe("store.unavailable");
    await runner.stop();
    await store.close();
  });
});
