import { createHash } from "node:crypto";
import type { LeadId } from "../lead/values.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The lead id a capture gets when its caller names none: a UUID (version 8, name-based)
 * derived from the command id alone, so that a retried capture finds the lead it made.
 *
 * A command id that is a UUID version 7 (what {@link newTimeOrderedId} makes) lends the
 * lead id its 48-bit timestamp, so leads captured one after another have ids in the same
 * order and are stored next to each other; the rest is the hash of the command id, as for
 * any other command id.
 */
export const leadIdForCapture = (commandId: string): LeadId => {
  const hex = createHash("sha256").update(`leadledger:capture:${commandId}`).digest("hex");
  const head = UUID_V7.test(commandId)
    ? `${commandId.slice(0, 8)}${commandId.slice(9, 13)}`.toLowerCase()
    : hex.slice(0, 12);
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${head.slice(0, 8)}-${head.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}` as LeadId;
};
