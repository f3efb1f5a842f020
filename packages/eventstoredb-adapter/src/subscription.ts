import { type AllStreamSubscription, START, streamNameFilter } from "@eventstore/db-client";
import type {
  GlobalPosition,
  StoreUnavailable,
  SubscribeOptions,
  Subscription,
  SubscriptionEnd,
  SubscriptionHandler,
} from "@leadledger/core";
import type { ClientLeases } from "./client-lease.js";
import { interruptibleSleep } from "./deadline.js";
import { classifyClientError, timedOutMessage } from "./error-mapping.js";
import { fromResolvedEvent, matchesFilter } from "./event-mapping.js";
import { esdbPositionOf, globalPositionOf } from "./positions.js";

/** How a dropped subscription reconnects. */
export interface ReconnectPolicy {
  /** Wait before the first reconnection; doubled after each failed attempt. Default 100 ms. */
  readonly initialDelayMs?: number;
  /** Longest wait between attempts. Default 5 000 ms. */
  readonly maxDelayMs?: number;
  /**
   * Consecutive failed attempts after which the subscription ends with `store-failed`.
   * The count restarts whenever the server confirms a subscription. Default 20.
   */
  readonly maxAttempts?: number;
}

/** The delay before reconnection attempt `attempt` (1 for the first). */
export const reconnectDelay = (policy: ReconnectPolicy, attempt: number): number => {
  const initial = policy.initialDelayMs ?? 100;
  const max = policy.maxDelayMs ?? 5_000;
  return Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
};

export interface SubscriptionDeps {
  readonly leases: ClientLeases;
  readonly timeoutMs: number;
  readonly streamPrefixes: readonly string[];
  readonly reconnect: ReconnectPolicy;
}

type Attempt =
  | { readonly outcome: "closed" }
  | { readonly outcome: "handler-failed"; readonly error: unknown }
  | { readonly outcome: "dropped"; readonly message: string; readonly confirmed: boolean }
  | { readonly outcome: "broken"; readonly error: unknown };

class SubscriptionTimedOut extends Error {}

/**
 * A catch-up-then-live subscription to `$all`, filtered on the server to the store's
 * stream prefixes. When the server drops it (leader change, network, a silent server),
 * it reconnects with exponential backoff and resumes after the last position it has seen,
 * so each event is delivered once per connection and positions only ever increase.
 */
export const subscribeToAll = (
  deps: SubscriptionDeps,
  options: SubscribeOptions,
  handler: SubscriptionHandler,
): Subscription => {
  let closed = false;
  let last: GlobalPosition | undefined = options.after;
  let current: AllStreamSubscription | undefined;
  let sleeping: { wake(): void } | undefined;

  const attempt = async (): Promise<Attempt> => {
    const lease = deps.leases.acquire();
    let confirmed = false;
    let confirmTimer: NodeJS.Timeout | undefined;
    try {
      const subscription = lease.client.subscribeToAll({
        fromPosition: last === undefined ? START : esdbPositionOf(last),
        filter: streamNameFilter({ prefixes: [...deps.streamPrefixes] }),
      });
      current = subscription;
      // Silence is normal once live, but not before the server has confirmed: a server
      // that accepts the connection and never answers would otherwise hold us forever.
      subscription.once("confirmation", () => {
        confirmed = true;
        clearTimeout(confirmTimer);
      });
      confirmTimer = setTimeout(() => {
        subscription.unsubscribe().catch(() => undefined);
        subscription.destroy(
          new SubscriptionTimedOut(timedOutMessage("a subscription", deps.timeoutMs)),
        );
      }, deps.timeoutMs);
      if (closed) subscription.destroy();
      for await (const resolved of subscription) {
        if (closed) break;
        confirmed = true;
        clearTimeout(confirmTimer);
        const raw = resolved.event;
        if (raw === undefined) continue;
        const rawPosition = raw.position ?? resolved.commitPosition;
        if (rawPosition === undefined) continue;
        const position =
          typeof rawPosition === "bigint" ? rawPosition : globalPositionOf(rawPosition);
        if (last !== undefined && position <= last) continue;
        const event = fromResolvedEvent(resolved);
        if (event !== undefined && matchesFilter(event, deps.streamPrefixes, options.filter)) {
          try {
            await handler(event);
          } catch (error) {
            return { outcome: "handler-failed", error };
          }
        }
        last = position;
      }
      if (closed) return { outcome: "closed" };
      return { outcome: "dropped", message: "EventStoreDB ended the subscription", confirmed };
    } catch (error) {
      if (closed) return { outcome: "closed" };
      if (error instanceof SubscriptionTimedOut) {
        deps.leases.retire(lease);
        return { outcome: "dropped", message: error.message, confirmed };
      }
      const meaning = classifyClientError(error);
      if (meaning.kind === "unavailable") {
        deps.leases.retire(lease);
        return { outcome: "dropped", message: meaning.message, confirmed };
      }
      return { outcome: "broken", error };
    } finally {
      clearTimeout(confirmTimer);
      if (current !== undefined) {
        current.unsubscribe().catch(() => undefined);
        current.destroy();
        current = undefined;
      }
      deps.leases.release(lease);
    }
  };

  const run = async (): Promise<SubscriptionEnd> => {
    let failures = 0;
    const maxAttempts = deps.reconnect.maxAttempts ?? 20;
    while (!closed) {
      const result = await attempt();
      switch (result.outcome) {
        case "closed":
          return { reason: "closed" };
        case "handler-failed":
          return { reason: "handler-failed", error: result.error };
        case "broken":
          return { reason: "store-failed", error: unavailable(describe(result.error)) };
        case "dropped": {
          failures = result.confirmed ? 1 : failures + 1;
          if (failures > maxAttempts) {
            return {
              reason: "store-failed",
              error: unavailable(
                `${result.message} (gave up after ${maxAttempts} reconnection attempts)`,
              ),
            };
          }
          const sleep = interruptibleSleep(reconnectDelay(deps.reconnect, failures));
          sleeping = sleep;
          await sleep.done;
          sleeping = undefined;
        }
      }
    }
    return { reason: "closed" };
  };

  const ended = run().catch(
    (error: unknown): SubscriptionEnd => ({
      reason: "store-failed",
      error: unavailable(describe(error)),
    }),
  );

  return {
    ended,
    close: async () => {
      closed = true;
      sleeping?.wake();
      if (current !== undefined) {
        current.unsubscribe().catch(() => undefined);
        current.destroy();
      }
      await ended;
    },
  };
};

const unavailable = (message: string): StoreUnavailable => ({ code: "store.unavailable", message });

const describe = (error: unknown): string =>
  `EventStoreDB subscription failed: ${error instanceof Error ? error.message : String(error)}`;
