import type { LeadError } from "../lead/errors.js";
import type { StoreError } from "../store/event-store.js";

/** A store failure in the ledger's words: a conflict names the lead it was about. */
export const fromStoreError = (leadId: string, error: StoreError): LeadError =>
  error.code === "concurrency.conflict"
    ? { code: error.code, leadId, expected: error.expected, actual: error.actual }
    : error;
