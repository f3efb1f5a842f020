import type { LeadSummary } from "@leadledger/projections";

/**
 * `GET /leads?toBeConfirmed=`: `true` keeps the leads with at least one capture field to
 * be confirmed, `false` those whose every field is known. A lead captured before the
 * ledger kept the list (issue 14) matches neither: whether it is complete is not known.
 */
export const matchesToBeConfirmed = (
  row: LeadSummary,
  wanted: "true" | "false" | undefined,
): boolean =>
  wanted === undefined ||
  (row.toBeConfirmed !== null && row.toBeConfirmed.length > 0 === (wanted === "true"));
