import { PassThrough } from "node:stream";
import {
  type AllStreamResolvedEvent,
  type ReadPosition,
  type SubscribeToAllOptions,
  UnavailableError,
} from "@eventstore/db-client";
import type { EventStore, RecordedEvent } from "@leadledger/core";
import { afterEach, describe, expect, it } from "vitest";
import type { EsdbClient } from "./client-lease.js";
import { createEventStoreDbEventStore } from "./eventstoredb-event-store.js";
import { reconnectDelay } from "./subscription.js";

/** A subscription as the client hands it out: an object stream that can be unsubscribed. */
class FakeSubscription extends PassThrough {
  unsubscribed = false;
  constructor() {
    super({ objectMode: true });
  }
  unsubscribe(): Promise<void> {
    this.unsubscribed = true;
    return Promise.resolve();
  }
  confirm(): this {
    setImmediate(() => this.emit("confirmation"));
    return this;
  }
  send(...events: AllStreamResolvedEvent[]): this {
    for (const event of events) this.write(event);
    return this;
  }
}

/** A client double whose subscriptions a test scripts one connection at a time. */
class FakeClient {
  readonly calls: {
    at: number;
    fromPosition: ReadPosition | undefined;
    options: SubscribeToAllOptions;
  }[] = [];
  readonly opened: FakeSubscription[] = [];
  disposed = 0;
  constructor(private readonly script: ((call: number) => FakeSubscription)[]) {}

  subscribeToAll(options: SubscribeToAllOptions = {}): FakeSubscription {
    const call = this.calls.length;
    this.calls.push({ at: performance.now(), fromPosition: options.fromPosition, options });
    const make = this.script[Math.min(call, this.script.length - 1)];
    if (make === undefined) throw new Error("no script");
    const subscription = make(call);
    this.opened.push(subscription);
    return subscription;
  }

  dispose(): Promise<void> {
    this.disposed += 1;
    return Promise.resolve();
  }
}

const resolved = (stream: string, revision: bigint, commit: bigint, type = "LeadCaptured") =>
  ({
    event: {
      streamId: stream,
      id: `00000000-0000-4000-8000-${commit.toString().padStart(12, "0")}`,
      revision,
      type,
      data: { n: Number(commit) },
      metadata: {},
      isJson: true,
      created: new Date(0),
      position: { commit, prepare: commit },
    },
    commitPosition: commit,
  }) as AllStreamResolvedEvent;

const waitUntil = async (condition: () => boolean, what: string): Promise<void> => {
  const deadline = performance.now() + 5_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

let store: EventStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const storeOver = (
  client: FakeClient,
  settings: Parameters<typeof createEventStoreDbEventStore>[0] extends infer O
    ? Omit<O, "connect">
    : never = {},
) => {
  store = createEventStoreDbEventStore({
    timeoutMs: 200,
    reconnect: { initialDelayMs: 5, maxDelayMs: 50, maxAttempts: 3 },
    ...settings,
    connect: () => client as unknown as EsdbClient,
  });
  return store;
};

describe("subscribe over a client that drops the subscription", () => {
  it("reconnects and resumes after the last position seen, delivering nothing twice", async () => {
    const client = new FakeClient([
      () => {
        const s = new FakeSubscription().confirm();
        s.send(resolved("lead-1", 0n, 100n), resolved("lead-1", 1n, 200n));
        setTimeout(() => s.destroy(new UnavailableError()), 20);
        return s;
      },
      // The server replays from the position it was given, which reads include.
      () =>
        new FakeSubscription()
          .confirm()
          .send(resolved("lead-1", 1n, 200n), resolved("lead-2", 0n, 300n)),
    ]);
    const received: RecordedEvent[] = [];
    const subscription = storeOver(client).subscribe({}, (event) => {
      received.push(event);
    });
    await waitUntil(() => received.length >= 3, "three deliveries");
    await new Promise((resolve) => setTimeout(resolve, 30));

    expect(received.map((e) => e.position)).toEqual([100n, 200n, 300n]);
    expect(client.calls.map((c) => c.fromPosition)).toEqual([
      "start",
      { commit: 200n, prepare: 200n },
    ]);
    // The client behind the dropped subscription is not trusted again.
    expect(client.disposed).toBe(1);
    await subscription.close();
    expect(await subscription.ended).toEqual({ reason: "closed" });
    expect(client.opened[1]?.unsubscribed).toBe(true);
  });

  it("starts after `after`, asks the server for the store's prefixes, and filters the rest itself", async () => {
    const client = new FakeClient([
      () =>
        new FakeSubscription()
          .confirm()
          .send(
            resolved("lead-1", 0n, 50n),
            resolved("lead-1", 1n, 60n, "LeadGraded"),
            resolved("$stats-node", 0n, 70n, "$statsCollected"),
            resolved("orders-1", 0n, 80n),
            resolved("lead-2", 0n, 90n),
          ),
    ]);
    const received: RecordedEvent[] = [];
    const subscription = storeOver(client).subscribe(
      { after: 50n, filter: { eventTypes: ["LeadCaptured"] } },
      (event) => {
        received.push(event);
      },
    );
    await waitUntil(() => received.length >= 1, "a delivery");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received.map((e) => e.position)).toEqual([90n]);
    expect(client.calls[0]?.fromPosition).toEqual({ commit: 50n, prepare: 50n });
    expect(client.calls[0]?.options.filter).toMatchObject({
      filterOn: "streamName",
      prefixes: ["lead-", "contact-reservation-"],
    });
    await subscription.close();
  });

  it("backs off exponentially and ends with store-failed after maxAttempts", async () => {
    // Never confirmed, always failing: every attempt counts against the limit.
    const client = new FakeClient([
      () => {
        const s = new FakeSubscription();
        setImmediate(() => s.destroy(new UnavailableError()));
        return s;
      },
    ]);
    const subscription = storeOver(client, {
      reconnect: { initialDelayMs: 20, maxDelayMs: 1_000, maxAttempts: 3 },
    }).subscribe({}, () => {});
    const end = await subscription.ended;
    expect(end.reason).toBe("store-failed");
    expect(client.calls).toHaveLength(4);
    const gaps = client.calls.slice(1).map((c, i) => c.at - (client.calls[i]?.at ?? 0));
    // Timers may fire a little early or late, never by half.
    expect(gaps[0]).toBeGreaterThanOrEqual(15);
    expect(gaps[1]).toBeGreaterThanOrEqual(35);
    expect(gaps[2]).toBeGreaterThanOrEqual(75);
  });

  it("treats a server that never confirms as a drop", async () => {
    const client = new FakeClient([
      () => new FakeSubscription(),
      () => new FakeSubscription().confirm().send(resolved("lead-1", 0n, 10n)),
    ]);
    const received: RecordedEvent[] = [];
    const subscription = storeOver(client, { timeoutMs: 50 }).subscribe({}, (event) => {
      received.push(event);
    });
    await waitUntil(() => received.length >= 1, "a delivery after reconnecting");
    expect(client.calls).toHaveLength(2);
    expect(client.opened[0]?.destroyed).toBe(true);
    await subscription.close();
  });

  it("closing during the wait between attempts ends at once", async () => {
    const client = new FakeClient([
      () => {
        const s = new FakeSubscription();
        setImmediate(() => s.destroy(new UnavailableError()));
        return s;
      },
    ]);
    const subscription = storeOver(client, {
      reconnect: { initialDelayMs: 60_000, maxAttempts: 5 },
    }).subscribe({}, () => {});
    await waitUntil(() => client.calls.length === 1, "the first attempt");
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    await subscription.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await subscription.ended).toEqual({ reason: "closed" });
  });
});

describe("reconnectDelay", () => {
  it("doubles from the initial delay up to the cap", () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => reconnectDelay(policy, n))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    expect(reconnectDelay({}, 1)).toBe(100);
    expect(reconnectDelay({}, 100)).toBe(5_000);
  });
});
