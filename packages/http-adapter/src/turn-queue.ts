/** Runs `work` in its turn and resolves with what it returned (rejects with what it threw). */
export type TurnQueue = <A>(work: () => A) => Promise<A>;

/**
 * A queue of synchronous, CPU-heavy pieces of work (a view over 100,000 rows takes a few
 * milliseconds) that runs one piece per turn of the event loop, in the order they were
 * queued.
 *
 * Computed in the request handler itself, answers are given in the order the event loop
 * reads the sockets, which is not the order the requests came in: with level-triggered
 * epoll, the socket whose request was answered last in one pass has not sent its next
 * request by the time the loop polls again, and is read at the end of the pass after
 * that. Under a steady load of heavy queries from 8 clients, 5–10 % of the requests waited
 * for two passes instead of one, which put the views' p99 at twice their median
 * (docs/benchmarks.md). Taking one piece per turn lets the loop poll between any two of
 * them, so a request queues behind those read before it and no others. A cheap request (a
 * command, a kept answer) waits for at most one piece instead of for every heavy request
 * read with it.
 */
export const createTurnQueue = (): TurnQueue => {
  const waiting: (() => void)[] = [];
  let scheduled = false;
  const runNext = (): void => {
    scheduled = false;
    waiting.shift()?.();
    if (waiting.length > 0) {
      scheduled = true;
      setImmediate(runNext);
    }
  };
  return <A>(work: () => A): Promise<A> =>
    new Promise<A>((resolve, reject) => {
      waiting.push(() => {
        try {
          resolve(work());
        } catch (error) {
          reject(error);
        }
      });
      if (!scheduled) {
        scheduled = true;
        setImmediate(runNext);
      }
    });
};
