import type { Position } from "@eventstore/db-client";
import type { GlobalPosition } from "@leadledger/core";

/**
 * The global position of an event read from EventStoreDB: its commit position in the
 * transaction file.
 *
 * Every append made through gRPC writes self-committed records, for which the server
 * reports commit = prepare = the record's own log position, so the commit position alone
 * is unique per event and orders `$all`. (Only the legacy TCP transactions, which
 * leadledger never uses, give several events one commit position.)
 */
export const globalPositionOf = (position: Position): GlobalPosition => position.commit;

/**
 * The `$all` position to start a read or subscription at so that it includes the event
 * at `position`: the inverse of {@link globalPositionOf} for self-committed records.
 * Reads from a position are inclusive, so callers drop events at or before it.
 */
export const esdbPositionOf = (position: GlobalPosition): Position => ({
  commit: position,
  prepare: position,
});
