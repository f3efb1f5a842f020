/** Days a token lives when its issuer names none (docs/operations.md, "API tokens"). */
export const DEFAULT_TOKEN_DAYS = 90;
/** The longest life a token may be issued with: a forgotten token dies within a year. */
export const MAX_TOKEN_DAYS = 365;

const DAY_MS = 86_400_000;

/**
 * When a token issued at `now` (epoch milliseconds) for `days` expires: the default when
 * `days` is absent. Callers decode `days` into 1 … {@link MAX_TOKEN_DAYS} first.
 */
export const expiryOf = (now: number, days: number = DEFAULT_TOKEN_DAYS): number =>
  now + days * DAY_MS;
