import { v7 } from "uuid";
import { withSecureRandomBytes } from "../privacy/secure-random.js";

// v7 reads its 16 random bytes and keeps none of them.
const fromRandom = (random: Uint8Array): string => v7({ random });

/**
 * A new UUID, version 7: time-ordered to the millisecond, random after that. The ledger's
 * default event id, and the command id the HTTP adapter gives a request without an
 * `Idempotency-Key`. Stores index events by id and leads by lead id; ids that arrive in
 * time order are added at the end of those indexes instead of on a random page of them,
 * which makes a SQLite group commit write far fewer pages (docs/benchmarks.md).
 */
export const newTimeOrderedId = (): string => withSecureRandomBytes(16, fromRandom);
