// The public API of the projections: the LeadSummary read model and its pure fold, the
// ReadModelStore port a store implements, the runner, and the views with their queries and
// reports. How the fold keeps its drafts and how the views lay out periods stay inside.

export type {
  PeriodGranularity,
  ReportingPeriod,
  TimeRange,
  UtcOffsetMinutes,
} from "./calendar-period.js";
export type { CycleStatistics, Durations } from "./cycle-statistics.js";
export {
  type Breakdown,
  type Cells,
  type GroupKey,
  type PipelineDimension,
  type ReportDimension,
  TO_BE_CONFIRMED,
  UNGRADED,
} from "./grouping.js";
export { createInMemoryReadModelStore } from "./in-memory-read-model-store.js";
export { isActive, type LeadStage, type LeadSummary, wasPursued } from "./lead-summary.js";
export * from "./projection-runner.js";
export type { Ratio, Tally } from "./ratio.js";
export * from "./read-model-store.js";
export { summarizeLog } from "./summary-batch.js";
export { foldLeadEvent } from "./summary-fold.js";
export {
  type AttributeChanges,
  type ProjectionProblem,
  type SummaryInput,
  summaryInputOfFacts,
} from "./summary-input.js";
export * from "./viewer.js";
export * from "./views/completeness.js";
export * from "./views/conversion-rate.js";
export * from "./views/follow-up-cycle.js";
export {
  type FollowUpDue,
  type FollowUpsDueQuery,
  type FollowUpsDueReport,
  followUpsDue,
  type OwnerFollowUps,
} from "./views/follow-ups-due.js";
export * from "./views/pipeline.js";
export * from "./views/rep-period-report.js";
export * from "./views/timeliness.js";
export * from "./worklist/index.js";
