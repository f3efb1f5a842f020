import { createHash } from "node:crypto";
import type { LeadId } from "../lead/values.js";

/**
 * The lead id a capture gets when its caller names none: a UUID (version 8, name-based)
 * derived from the command id, so that a retried capture finds the lead it made.
 */
export const leadIdForCapture = (commandId: string): LeadId => {
  const hex = createHash("sha256").update(`leadledger:capture:${commandId}`).digest("hex");
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}` as LeadId;
};
