import { randomFillSync } from "node:crypto";

// A call into the CSPRNG costs about a microsecond whatever its size, and a capture asks
// for random bytes five times or more (a data key, an IV per sealed part, an id per
// event). Drawing them from a buffer filled 4 KiB at a time is what Node itself does for
// randomUUID.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let taken = POOL_BYTES;

/**
 * `size` bytes from the operating system's CSPRNG (through `randomFillSync`), each byte
 * handed out once. The pool's copy is zeroed as it is handed out, so that a data key does
 * not linger in it.
 */
export const secureRandomBytes = (size: number): Buffer =>
  // Buffer.alloc, not Buffer.from: a small Buffer.from shares Node's 8 KiB slab with other
  // buffers, and a data key should not sit in memory that anything else can reach.
  withSecureRandomBytes(size, (bytes) => {
    const copy = Buffer.alloc(bytes.length);
    copy.set(bytes);
    return copy;
  });

/**
 * Lends `size` bytes from the CSPRNG to `use` without copying them: they are a view of the
 * pool, zeroed as soon as `use` returns, so `use` must not keep them.
 */
export const withSecureRandomBytes = <A>(size: number, use: (bytes: Uint8Array) => A): A => {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`cannot take ${size} random bytes`);
  if (size > POOL_BYTES) return use(randomFillSync(Buffer.alloc(size)));
  if (taken + size > POOL_BYTES) {
    randomFillSync(pool);
    taken = 0;
  }
  const start = taken;
  taken += size;
  try {
    return use(pool.subarray(start, start + size));
  } finally {
    pool.fill(0, start, start + size);
  }
};
