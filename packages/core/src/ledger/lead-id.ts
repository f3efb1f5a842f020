import { createHmac } from "node:crypto";
import type { LeadId } from "../lead/values.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The lead id a capture gets when its caller names none: a UUID (version 8) derived from
 * the actor's id and the command id with a keyed hash (HMAC-SHA-256 under `secret`, a
 * sub-key of the ledger's secret), so that a retried capture by the same actor finds the
 * lead it made, another actor's capture with the same command id makes a lead of its own,
 * and nobody without the ledger's secret can tell a lead's id from an Idempotency-Key.
 *
 * A command id that is a UUID version 7 (what {@link newTimeOrderedId} makes) lends the
 * lead id its 48-bit timestamp, so leads captured one after another have ids in the same
 * order and are stored next to each other; the rest is the keyed hash, as for any other
 * command id.
 */
export const leadIdForCapture = (
  secret: Uint8Array,
  actorId: string,
  commandId: string,
): LeadId => {
  // JSON keeps the two parts apart: ("a", "b:c") and ("a:b", "c") hash differently.
  const hex = createHmac("sha256", secret)
    .update(JSON.stringify(["leadledger:capture", actorId, commandId]))
    .digest("hex");
  const head = UUID_V7.test(commandId)
    ? `${commandId.slice(0, 8)}${commandId.slice(9, 13)}`.toLowerCase()
    : hex.slice(0, 12);
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${head.slice(0, 8)}-${head.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}` as LeadId;
};
