import { ENTRY_DUE_HOURS, FIRST_CONTACT_DUE_HOURS } from "@leadledger/core";
import { periodNamer, type TimeRange } from "../calendar-period.js";
import { type Breakdown, Cells, type GroupKey } from "../grouping.js";
import type { LeadSummary } from "../lead-summary.js";
import { type Ratio, Tally } from "../ratio.js";
import { canSee, type Viewer } from "../viewer.js";
import { rowArray } from "./row-array.js";

export interface TimelinessQuery extends Breakdown {
  readonly viewer: Viewer;
  /** Leads acquired in this range are measured; `period` is the acquisition's period. */
  readonly range: TimeRange;
  /** Decides which first contacts are due yet (epoch ms). */
  readonly now: number;
}

/** Both timeliness rates of one group. */
export interface TimelinessFigures {
  /** First follow-up within 24 h of acquisition, over the leads due a first contact. */
  readonly firstContact: Ratio;
  /** Capture recorded within 24 h of acquisition, over the leads acquired. */
  readonly entry: Ratio;
}

export interface TimelinessCell extends TimelinessFigures {
  readonly group: GroupKey;
}

export interface TimelinessReport {
  readonly total: TimelinessFigures;
  readonly cells: readonly TimelinessCell[];
}

const HOUR = 3_600_000;
const FIRST_CONTACT_DUE = FIRST_CONTACT_DUE_HOURS * HOUR;
const ENTRY_DUE = ENTRY_DUE_HOURS * HOUR;

class TimelinessTally {
  readonly firstContact = new Tally();
  readonly entry = new Tally();
  count(row: LeadSummary, now: number): void {
    const deadline = row.acquiredAt + FIRST_CONTACT_DUE;
    const onTime = row.firstFollowUpAt !== null && row.firstFollowUpAt <= deadline;
    // A lead not yet contacted whose 24 h are not over is not due yet: it cannot be judged.
    if (onTime || deadline <= now) this.firstContact.count(onTime);
    this.entry.count(row.enteredAt - row.acquiredAt <= ENTRY_DUE);
  }
  figures(): TimelinessFigures {
    return { firstContact: this.firstContact.toRatio(), entry: this.entry.toRatio() };
  }
}

/** Follow-up timeliness (跟進及時率) and entry timeliness (錄入), by acquisition. */
export const timeliness = (
  rows: Iterable<LeadSummary>,
  query: TimelinessQuery,
): TimelinessReport => {
  const cells = new Cells(query.by ?? [], () => new TimelinessTally());
  const total = new TimelinessTally();
  const periodOf = periodNamer(query.period ?? "month", query.utcOffsetMinutes);
  const { from, to } = query.range;
  const list = rowArray(rows);
  for (let i = 0; i < list.length; i++) {
    const row = list[i] as LeadSummary;
    if (row.acquiredAt < from || row.acquiredAt >= to || !canSee(query.viewer, row)) continue;
    total.count(row, query.now);
    cells.ofAt(row, row.acquiredAt, periodOf).count(row, query.now);
  }
  return {
    total: total.figures(),
    cells: cells.entries().map(({ group, value }) => ({ group, ...value.figures() })),
  };
};
