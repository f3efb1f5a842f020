/** Where one command's events stand in the stream: what an idempotent retry gets back. */
export interface CommandRecord {
  readonly digest: string;
  readonly firstRevision: bigint;
  readonly lastRevision: bigint;
  readonly position: bigint;
}

/**
 * What the index knows of a command key: its exact record; that it was perhaps recorded
 * long ago (only its fingerprint is kept, and fingerprints collide), so the stream must be
 * read to tell; or that it was never recorded on this lead.
 */
export type CommandLookup =
  | { readonly found: "recorded"; readonly record: CommandRecord }
  | { readonly found: "perhaps" }
  | { readonly found: "never" };

/** Maps a command key to 32 bits. Collisions cost a stream read, never a wrong answer. */
export type CommandFingerprint = (key: string) => number;

/** How a command index weighs its memory. */
export interface CommandIndexOptions {
  /** How many of the latest commands keep their exact record; older ones keep a fingerprint. */
  readonly recent: number;
  readonly fingerprint: CommandFingerprint;
}

/**
 * FNV-1a over the key's UTF-16 code units, then murmur3's finaliser so that the low bits
 * (the table's slot) depend on every character. Unkeyed on purpose: whoever forges a
 * collision only makes the ledger read a stream they could make it read with a true retry.
 */
export const fnvFingerprint: CommandFingerprint = (key) => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
};

// What V8 (Node 20, 64-bit) keeps for: one exact record (its Map entry with its share of
// the table, the record, its digest string and three BigInts), a string's header, and the
// empty index. Calibrated against heapUsed + arrayBuffers after a full GC over loaded leads
// of 2 to 10,002 events (loaded-lead.test.ts holds the estimate to what they retain).
const RECORD_BYTES = 210;
const STRING_HEADER_BYTES = 16;
const INDEX_BYTES = 200;
const FIRST_TABLE_SLOTS = 16;

/**
 * The commands recorded on one lead, for idempotency, in memory that grows by a few bytes
 * per command: the latest `recent` commands keep their exact record, every older one only a
 * 32-bit fingerprint in an open-addressing set (at most three quarters full, so 5 to 11
 * bytes a command). A key that is in neither was never recorded: the usual case, a new
 * command, is answered without reading the store.
 *
 * A command's events are appended together, so its record is made by consecutive calls to
 * {@link CommandIndex.record}; the latest command is never the one moved to fingerprints.
 */
export class CommandIndex {
  readonly #options: CommandIndexOptions;
  readonly #recent = new Map<string, CommandRecord>();
  #recentKeyChars = 0;
  /** Fingerprints, 0 marking a free slot (a fingerprint of 0 is kept as 1). */
  #table: Uint32Array = new Uint32Array(0);
  #fingerprints = 0;

  constructor(options: CommandIndexOptions) {
    if (!Number.isSafeInteger(options.recent) || options.recent < 1) {
      throw new RangeError(
        `a command index keeps at least 1 recent command, not ${options.recent}`,
      );
    }
    this.#options = options;
  }

  /** Records one event of the command `key`, as the command's latest so far. */
  record(key: string, event: { digest: string; revision: bigint; position: bigint }): void {
    const known = this.#recent.get(key);
    if (known === undefined) {
      this.#recent.set(key, {
        digest: event.digest,
        firstRevision: event.revision,
        lastRevision: event.revision,
        position: event.position,
      });
      this.#recentKeyChars += key.length;
      if (this.#recent.size > this.#options.recent) this.#moveOldestToFingerprints();
      return;
    }
    this.#recent.set(key, {
      digest: event.digest,
      firstRevision: known.firstRevision,
      lastRevision: event.revision,
      position: event.position,
    });
  }

  lookup(key: string): CommandLookup {
    const record = this.#recent.get(key);
    if (record !== undefined) return { found: "recorded", record };
    if (this.#fingerprints === 0) return NEVER;
    return this.#holds(this.#fingerprintOf(key)) ? PERHAPS : NEVER;
  }

  /** An estimate of the bytes this index keeps alive. */
  get bytes(): number {
    return (
      INDEX_BYTES +
      this.#recent.size * (RECORD_BYTES + STRING_HEADER_BYTES) +
      // Two bytes a character: a key with any character beyond Latin-1 is stored that way.
      2 * this.#recentKeyChars +
      this.#table.byteLength
    );
  }

  #moveOldestToFingerprints(): void {
    const oldest = this.#recent.keys().next();
    if (oldest.done === true) return;
    this.#recent.delete(oldest.value);
    this.#recentKeyChars -= oldest.value.length;
    this.#add(this.#fingerprintOf(oldest.value));
  }

  #fingerprintOf(key: string): number {
    const fingerprint = this.#options.fingerprint(key) >>> 0;
    return fingerprint === 0 ? 1 : fingerprint;
  }

  #holds(fingerprint: number): boolean {
    const table = this.#table;
    const mask = table.length - 1;
    for (let slot = fingerprint & mask; ; slot = (slot + 1) & mask) {
      const held = table[slot];
      if (held === fingerprint) return true;
      if (held === 0 || held === undefined) return false;
    }
  }

  #add(fingerprint: number): void {
    if ((this.#fingerprints + 1) * 4 > this.#table.length * 3) this.#grow();
    const table = this.#table;
    const mask = table.length - 1;
    for (let slot = fingerprint & mask; ; slot = (slot + 1) & mask) {
      const held = table[slot];
      if (held === fingerprint) return;
      if (held === 0) {
        table[slot] = fingerprint;
        this.#fingerprints++;
        return;
      }
    }
  }

  #grow(): void {
    const old = this.#table;
    this.#table = new Uint32Array(old.length === 0 ? FIRST_TABLE_SLOTS : old.length * 2);
    this.#fingerprints = 0;
    for (const fingerprint of old) if (fingerprint !== 0) this.#add(fingerprint);
  }
}

const NEVER: CommandLookup = { found: "never" };
const PERHAPS: CommandLookup = { found: "perhaps" };
