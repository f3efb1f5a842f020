import type { Readable } from "node:stream";

/** Returned instead of a value when the server did not answer in time. */
export const TIMED_OUT: unique symbol = Symbol("timed out");
export type TimedOut = typeof TIMED_OUT;

/**
 * Settles with what `call` settles with, or with {@link TIMED_OUT} after `timeoutMs`.
 * The client waits forever on a server that accepts a connection and never answers, and
 * its own gRPC deadline does not cover every path (the server-features probe an append
 * starts with, streamed appends), so no call is trusted to end by itself.
 */
export const withDeadline = async <T>(
  call: Promise<T>,
  timeoutMs: number,
): Promise<T | TimedOut> => {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<TimedOut>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
  });
  try {
    return await Promise.race([call, expiry]);
  } finally {
    clearTimeout(timer);
    // A call abandoned at the deadline may still reject later; nobody is listening then.
    call.catch(() => undefined);
  }
};

/** A streamed read of the client: a readable of results that can be cancelled. */
export interface CancellableRead<E> extends Readable {
  cancel(): Promise<void>;
  [Symbol.asyncIterator](): AsyncIterableIterator<E>;
}

/**
 * Collects a streamed read, or gives {@link TIMED_OUT} if the server falls silent for
 * `idleMs`. The deadline restarts with every result, so a long read that keeps
 * arriving is not cut short, while a server that never answers is.
 */
export const collectWithin = <E>(
  read: CancellableRead<E>,
  idleMs: number,
): Promise<E[] | TimedOut> =>
  new Promise<E[] | TimedOut>((resolve, reject) => {
    const items: E[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      read.removeAllListeners("data");
      outcome();
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        finish(() => resolve(TIMED_OUT));
        read.cancel().catch(() => undefined);
        read.destroy();
      }, idleMs);
    };
    read.on("data", (item: E) => {
      items.push(item);
      arm();
    });
    read.on("end", () => finish(() => resolve(items)));
    read.on("error", (error: unknown) => finish(() => reject(error)));
    arm();
  });

/** Waits `ms`, or less if `wake` is called first (a closing subscription stops waiting). */
export const interruptibleSleep = (ms: number): { readonly done: Promise<void>; wake(): void } => {
  let wake: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, wake: () => wake() };
};
