import { LEAD_STREAM_PREFIX } from "../lead/stream-name.js";

/**
 * Whether the ledger hash-chains a stream's events: every lead stream is chained; the
 * contact-reservation streams beside them (one per normalised phone or e-mail, holding only
 * which lead reserved, released or suppressed it) are not, so a verifier checks those for
 * contiguity alone.
 */
export const isHashChainedStream = (stream: string): boolean =>
  stream.startsWith(LEAD_STREAM_PREFIX);
