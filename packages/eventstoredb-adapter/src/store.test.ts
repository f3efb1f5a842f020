import { Readable } from "node:stream";
import {
  type AllStreamResolvedEvent,
  type AppendResult,
  type ReadAllOptions,
  type ReadStreamOptions,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from "@eventstore/db-client";
import { type EventStore, NO_STREAM } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import { afterEach, describe, expect, it } from "vitest";
import type { EsdbClient } from "./client-lease.js";
import { createEventStoreDbEventStore, withDefaultDeadline } from "./eventstoredb-event-store.js";

// A double of the client's reads and appends over a scripted log, to check what the store
// makes of the client's answers; what the server itself does is the contract suite's job.

const record = (stream: string, revision: bigint, commit: bigint, type = "LeadCaptured") =>
  ({
    event: {
      streamId: stream,
      id: `00000000-0000-4000-8000-${commit.toString().padStart(12, "0")}`,
      revision,
      type,
      data: { commit: Number(commit) },
      metadata: {},
      isJson: true,
      created: new Date(0),
      position: { commit, prepare: commit },
    },
  }) as AllStreamResolvedEvent;

const readable = (items: readonly unknown[], error?: Error) => {
  const stream = Readable.from(
    (async function* () {
      yield* items;
      if (error !== undefined) throw error;
    })(),
    { objectMode: true },
  ) as Readable & { cancel(): Promise<void> };
  stream.cancel = () => Promise.resolve();
  return stream;
};

class ScriptedClient {
  readonly readAllCalls: ReadAllOptions[] = [];
  constructor(
    readonly log: AllStreamResolvedEvent[],
    readonly append: (stream: string) => Promise<AppendResult> = () =>
      Promise.reject(new Error("no")),
  ) {}
  readAll(options: ReadAllOptions = {}) {
    this.readAllCalls.push(options);
    const from = options.fromPosition;
    const start = typeof from === "object" ? from.commit : 0n;
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    return readable(
      this.log.filter((e) => (e.event?.position.commit ?? 0n) >= start).slice(0, max),
    );
  }
  readStream(stream: string, options: ReadStreamOptions = {}) {
    const events = this.log.filter((e) => e.event?.streamId === stream);
    if (events.length === 0) return readable([], new StreamNotFoundError(undefined, stream));
    const from = typeof options.fromRevision === "bigint" ? options.fromRevision : 0n;
    return readable(
      events
        .filter((e) => (e.event?.revision ?? 0n) >= from)
        .slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER)),
    );
  }
  appendToStream(stream: string) {
    return this.append(stream);
  }
  dispose() {
    return Promise.resolve();
  }
}

let store: EventStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const storeOver = (client: ScriptedClient) => {
  store = createEventStoreDbEventStore({
    timeoutMs: 1_000,
    connect: () => client as unknown as EsdbClient,
  });
  return store;
};

const right = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result))
    throw new Error(
      `expected success, got ${JSON.stringify(result.left, (_k, v) => (typeof v === "bigint" ? `${v}` : v))}`,
    );
  return result.right;
};

describe("readAll", () => {
  // Two and a half pages of $all, with server events and foreign streams in between.
  const log: AllStreamResolvedEvent[] = [];
  for (let i = 1n; i <= 1_300n; i++) {
    const stream = i % 10n === 0n ? "$stats-node" : i % 7n === 0n ? "orders-1" : `lead-${i % 3n}`;
    log.push(record(stream, i, i * 100n, stream.startsWith("$") ? "$statsCollected" : "LeadNoted"));
  }
  const ours = log.flatMap((e) =>
    e.event?.streamId.startsWith("lead-") ? [e.event.position.commit] : [],
  );

  it("pages through $all, keeping the store's streams in order", async () => {
    const client = new ScriptedClient(log);
    const all = right(await storeOver(client).readAll());
    expect(all.map((e) => e.position)).toEqual(ours);
    expect(client.readAllCalls.length).toBeGreaterThanOrEqual(3);
  });

  it("treats `after` as exclusive across page boundaries, and stops at maxCount", async () => {
    const client = new ScriptedClient(log);
    const after = ours[600] as bigint;
    const some = right(await storeOver(client).readAll({ after, maxCount: 5 }));
    expect(some.map((e) => e.position)).toEqual(ours.slice(601, 606));
    expect(client.readAllCalls[0]?.fromPosition).toEqual({ commit: after, prepare: after });
    expect(right(await storeOver(client).readAll({ after: 130_000n }))).toEqual([]);
  });
});

describe("readStream", () => {
  it("reads a missing stream as empty", async () => {
    expect(right(await storeOver(new ScriptedClient([])).readStream("lead-9"))).toEqual([]);
  });
});

describe("appendToStream", () => {
  const event = { id: "0b8a4c5e-2f7d-4b8e-8a36-6c1f5d1e9a01", type: "T", data: {}, metadata: {} };

  it("gives the last event's position for a batch, read back from the stream", async () => {
    const log = [record("lead-1", 0n, 500n), record("lead-1", 1n, 600n)];
    const client = new ScriptedClient(log, async () => ({
      success: true,
      nextExpectedRevision: 1n,
      position: { commit: 500n, prepare: 500n },
    }));
    const result = right(await storeOver(client).appendToStream("lead-1", [event, event]));
    expect(result).toEqual({ nextExpectedRevision: 1n, position: 600n });
  });

  it("maps a wrong expected version to concurrency.conflict", async () => {
    const client = new ScriptedClient([], () =>
      Promise.reject(
        new WrongExpectedVersionError(undefined, {
          streamName: "lead-1",
          expected: "no_stream",
          current: 2n,
        }),
      ),
    );
    const result = await storeOver(client).appendToStream("lead-1", [event], {
      expectedRevision: NO_STREAM,
    });
    expect(result).toEqual(
      E.left({ code: "concurrency.conflict", stream: "lead-1", expected: NO_STREAM, actual: 2n }),
    );
  });

  it("maps a failed append reported as a value (throwOnAppendFailure=false)", async () => {
    const client = new ScriptedClient([], async () => ({
      success: false,
      nextExpectedRevision: -1n,
    }));
    const result = await storeOver(client).appendToStream("lead-1", [event], {
      expectedRevision: 0n,
    });
    expect(result).toEqual(
      E.left({ code: "concurrency.conflict", stream: "lead-1", expected: 0n, actual: NO_STREAM }),
    );
  });

  it("throws what is not an expected failure", async () => {
    const client = new ScriptedClient([], () =>
      Promise.reject(StreamDeletedError.fromStreamName("lead-1")),
    );
    await expect(storeOver(client).appendToStream("lead-1", [event])).rejects.toBeInstanceOf(
      StreamDeletedError,
    );
  });
});

describe("withDefaultDeadline", () => {
  it("adds the timeout as the client's deadline unless the string sets one", () => {
    expect(withDefaultDeadline("esdb://localhost:2113", 500)).toBe(
      "esdb://localhost:2113?defaultDeadline=500",
    );
    expect(withDefaultDeadline("esdb://a:2113,b:2113?tls=false", 500)).toBe(
      "esdb://a:2113,b:2113?tls=false&defaultDeadline=500",
    );
    expect(withDefaultDeadline("esdb://localhost:2113?default_deadline=9000", 500)).toBe(
      "esdb://localhost:2113?default_deadline=9000",
    );
  });
});
