import type { EventStoreDBClient } from "@eventstore/db-client";

/** The part of the client the adapter uses: what a test double has to provide. */
export type EsdbClient = Pick<
  EventStoreDBClient,
  "appendToStream" | "readStream" | "readAll" | "subscribeToAll" | "dispose"
>;

interface Lease {
  readonly client: EsdbClient;
  users: number;
  retired: boolean;
}

/**
 * Hands out one client at a time and replaces it after a failure. A client whose call
 * timed out is not trusted again: it caches a failed server-features probe for good, and
 * abandoned calls may still hold its streams. A replaced client is disposed once its last
 * user (a running call or a subscription) lets go of it.
 */
export class ClientLeases {
  readonly #connect: () => EsdbClient;
  readonly #disposeWithinMs: number;
  #current: Lease | undefined;
  readonly #live = new Set<Lease>();

  constructor(connect: () => EsdbClient, disposeWithinMs: number) {
    this.#connect = connect;
    this.#disposeWithinMs = disposeWithinMs;
  }

  /** Takes the current client (connecting one if needed); give it back with {@link release}. */
  acquire(): Lease {
    if (this.#current === undefined) {
      this.#current = { client: this.#connect(), users: 0, retired: false };
      this.#live.add(this.#current);
    }
    this.#current.users += 1;
    return this.#current;
  }

  release(lease: Lease): void {
    lease.users -= 1;
    if (lease.retired && lease.users === 0) void this.#dispose(lease);
  }

  /** Stops handing out this client; the next {@link acquire} connects a fresh one. */
  retire(lease: Lease): void {
    if (this.#current === lease) this.#current = undefined;
    lease.retired = true;
    if (lease.users === 0) void this.#dispose(lease);
  }

  /** Disposes every client, in use or not. */
  async closeAll(): Promise<void> {
    this.#current = undefined;
    await Promise.all([...this.#live].map((lease) => this.#dispose(lease)));
  }

  async #dispose(lease: Lease): Promise<void> {
    if (!this.#live.delete(lease)) return;
    lease.retired = true;
    // dispose() waits for every stream to finish; a stream stuck on a silent server
    // must not hold up closing the store.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      lease.client.dispose().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#disposeWithinMs);
      }),
    ]);
    clearTimeout(timer);
  }
}

export type { Lease };
