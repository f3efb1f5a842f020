// A child process for the crash and multi-process tests: it appends in a loop and writes
// one line per acknowledged append to stdout, synchronously, so that a line printed is an
// append the store said was committed. Run: node --conditions=source --import tsx
// append-loop.test-fixture.ts <crash|contend> <database> <writer> [appends]
import { randomUUID } from "node:crypto";
import { writeSync } from "node:fs";
import { type EventToAppend, NO_STREAM } from "@leadledger/core";
import { CHAIN_HASH_KEY, chainHash } from "@leadledger/core/adapter";
import * as E from "fp-ts/lib/Either.js";
import { openSqliteEventStore } from "./sqlite-event-store.js";

const [mode, path, writer, appendsText] = process.argv.slice(2);
if (path === undefined || writer === undefined)
  throw new Error("usage: <mode> <database> <writer> [appends]");
const say = (line: string): void => {
  writeSync(1, `${line}\n`);
};

const store = openSqliteEventStore({ path, busyTimeoutMs: 10_000 });

/** The stream's last revision and hash, read from the store (another writer may have moved it). */
const head = async (stream: string): Promise<{ revision: bigint | undefined; hash: string }> => {
  const read = await store.readStream(stream, { direction: "backwards", maxCount: 1 });
  if (E.isLeft(read)) throw new Error(read.left.code);
  const last = read.right[0];
  const hash = last?.metadata[CHAIN_HASH_KEY];
  return { revision: last?.revision, hash: typeof hash === "string" ? hash : "" };
};

const batch = (previousHash: string, size: number): EventToAppend[] => {
  const batchId = randomUUID();
  let hash = previousHash;
  return Array.from({ length: size }, (_, index) => {
    const data = {
      writer: writer as string,
      index,
      note: "x".repeat(Math.floor(Math.random() * 300)),
    };
    const metadata = { batch: batchId, size, index };
    hash = chainHash(hash, { type: "Appended", data, metadata });
    return {
      id: randomUUID(),
      type: "Appended",
      data,
      metadata: { ...metadata, [CHAIN_HASH_KEY]: hash },
    };
  });
};

// Crash mode: 8 workers on 16 streams, each stream owned by one worker at a time, batches
// of 1–4 events, forever (until SIGKILL).
const crash = async (): Promise<void> => {
  const busy = new Set<number>();
  const worker = async (): Promise<never> => {
    for (;;) {
      let stream = Math.floor(Math.random() * 16);
      while (busy.has(stream)) stream = (stream + 1) % 16;
      busy.add(stream);
      const name = `crash-${stream}`;
      const { revision, hash } = await head(name);
      const events = batch(hash, 1 + Math.floor(Math.random() * 4));
      const result = await store.appendToStream(name, events, {
        expectedRevision: revision ?? NO_STREAM,
      });
      if (E.isLeft(result)) throw new Error(`unexpected ${result.left.code}`);
      say(`ack ${name} ${events.map((event) => event.id).join(",")}`);
      busy.delete(stream);
    }
  };
  say("ready");
  await Promise.all(Array.from({ length: 8 }, worker));
};

// Contend mode: 4 workers append single events to 4 streams shared with the other process,
// reading the head and retrying on conflict, until `appends` have been acknowledged.
const contend = async (): Promise<void> => {
  let remaining = Number(appendsText ?? "200");
  let conflicts = 0;
  let unavailable = 0;
  const worker = async (): Promise<void> => {
    while (remaining > 0) {
      remaining -= 1;
      for (;;) {
        const name = `shared-${Math.floor(Math.random() * 4)}`;
        const { revision, hash } = await head(name);
        const events = batch(hash, 1);
        const result = await store.appendToStream(name, events, {
          expectedRevision: revision ?? NO_STREAM,
        });
        if (E.isRight(result)) {
          say(`ack ${name} ${events.map((event) => event.id).join(",")}`);
          break;
        }
        if (result.left.code === "concurrency.conflict") conflicts += 1;
        else unavailable += 1;
      }
    }
  };
  // Both processes start appending only when the parent says so, so that they overlap.
  say("ready");
  await new Promise<void>((go) => process.stdin.once("data", () => go()));
  await Promise.all(Array.from({ length: 4 }, worker));
  await store.close();
  say(`done conflicts=${conflicts} unavailable=${unavailable}`);
};

await (mode === "crash" ? crash() : contend());
