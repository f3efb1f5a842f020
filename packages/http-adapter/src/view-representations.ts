import { Count } from "@leadledger/core";
import type {
  ConversionRateReport,
  CycleStatistics,
  FollowUpCycleReport,
  FollowUpsDueReport,
  GroupKey,
  PipelineDimension,
  PipelineReport,
  Ratio,
  ReportDimension,
  RepPeriodReport,
  TimelinessReport,
} from "@leadledger/projections";
import * as t from "io-ts";
import { withJsonSchema } from "./json-schema.js";
import { InstantText, LeadIdText } from "./representation-codecs.js";
import { WorklistFactsAnswer } from "./worklist-answer.js";

// What the views answer, each as an io-ts codec (for the OpenAPI response schema) and a
// function typed by it that copies the view's report field by field: the answer holds
// exactly what its schema names, and times become ISO instants.

const iso = (millis: number): string => new Date(millis).toISOString();
const orNull = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);

/** Every dimension a cell can be grouped by, each its group's value. */
const GROUP_DIMENSIONS = {
  stage: t.string,
  grade: t.string,
  owner: t.string,
  department: t.string,
  channel: t.string,
  sourceClass: t.string,
  region: t.string,
  industry: t.string,
  period: t.string,
} satisfies Record<PipelineDimension | ReportDimension, t.Mixed>;
/** Which group a cell is: the value of each dimension the report was broken down by. */
const Group = t.partial(GROUP_DIMENSIONS);

const RatioAnswer = t.type({
  numerator: Count,
  denominator: Count,
  rate: orNull(t.number),
});
const ratioOf = (ratio: Ratio): t.TypeOf<typeof RatioAnswer> => ({
  numerator: ratio.numerator,
  denominator: ratio.denominator,
  rate: ratio.rate,
});

const CYCLE_PROPS = {
  count: Count,
  meanDays: orNull(t.number),
  medianDays: orNull(t.number),
  p90Days: orNull(t.number),
};
const CycleAnswer = t.type(CYCLE_PROPS);
const cycleOf = (cycle: CycleStatistics): t.TypeOf<typeof CycleAnswer> => ({
  count: cycle.count,
  meanDays: cycle.meanDays,
  medianDays: cycle.medianDays,
  p90Days: cycle.p90Days,
});

const groupOf = (group: GroupKey): t.TypeOf<typeof Group> => ({ ...group });

/** `GET /views/pipeline`. */
export const PipelineAnswer = t.type({
  total: Count,
  cells: t.readonlyArray(t.type({ group: Group, leads: Count })),
});
export const pipelineRepresentation = (
  report: PipelineReport,
): t.TypeOf<typeof PipelineAnswer> => ({
  total: report.total,
  cells: report.cells.map((cell) => ({ group: groupOf(cell.group), leads: cell.leads })),
});

/** `GET /views/conversion-rate`. */
export const ConversionRateAnswer = t.type({
  basis: t.keyof({ cohort: null, period: null }),
  total: RatioAnswer,
  cells: t.readonlyArray(t.intersection([t.type({ group: Group }), RatioAnswer])),
});
export const conversionRateRepresentation = (
  report: ConversionRateReport,
): t.TypeOf<typeof ConversionRateAnswer> => ({
  basis: report.basis,
  total: ratioOf(report.total),
  cells: report.cells.map((cell) => ({ group: groupOf(cell.group), ...ratioOf(cell) })),
});

/** `GET /views/follow-up-cycle`. */
export const FollowUpCycleAnswer = t.type({
  total: CycleAnswer,
  cells: t.readonlyArray(t.type({ group: Group, ...CYCLE_PROPS })),
});
export const followUpCycleRepresentation = (
  report: FollowUpCycleReport,
): t.TypeOf<typeof FollowUpCycleAnswer> => ({
  total: cycleOf(report.total),
  cells: report.cells.map((cell) => ({ group: groupOf(cell.group), ...cycleOf(cell) })),
});

const TIMELINESS_PROPS = { firstContact: RatioAnswer, entry: RatioAnswer };
/** `GET /views/timeliness`. */
export const TimelinessAnswer = t.type({
  total: t.type(TIMELINESS_PROPS),
  cells: t.readonlyArray(t.type({ group: Group, ...TIMELINESS_PROPS })),
});
export const timelinessRepresentation = (
  report: TimelinessReport,
): t.TypeOf<typeof TimelinessAnswer> => ({
  total: { firstContact: ratioOf(report.total.firstContact), entry: ratioOf(report.total.entry) },
  cells: report.cells.map((cell) => ({
    group: groupOf(cell.group),
    firstContact: ratioOf(cell.firstContact),
    entry: ratioOf(cell.entry),
  })),
});

/** A codec of its own, so that its schema documents this field alone. */
const RepName = withJsonSchema(
  new t.Type<string>("RepName", t.string.is, t.string.validate, t.identity),
  {
    type: "string",
    description: "the rep's display name in the organisation; `null` when it does not know the rep",
    examples: ["张伟"],
  },
);
const followUpsAnswer = <L extends t.Mixed, P extends t.Props>(lead: L, owner: P) =>
  t.type({
    asOf: InstantText,
    due: Count,
    overdue: Count,
    owners: t.readonlyArray(
      t.type({
        ownerId: t.string,
        ...owner,
        department: t.string,
        due: Count,
        overdue: Count,
        leads: t.readonlyArray(lead),
      }),
    ),
  });
const FollowUpLead = t.type({ leadId: LeadIdText, dueAt: InstantText, overdue: t.boolean });
/** `GET /views/follow-ups` as the view computes it, before the worklist's names are added. */
export const FollowUpsViewAnswer = followUpsAnswer(FollowUpLead, {});
/** `GET /views/follow-ups`: each owner by name, each lead with its name and main contact. */
export const FollowUpsAnswer = followUpsAnswer(
  t.intersection([FollowUpLead, WorklistFactsAnswer]),
  {
    ownerName: orNull(RepName),
  },
);
/** @param now the moment the view was computed for */
export const followUpsRepresentation = (
  report: FollowUpsDueReport,
  now: number,
): t.TypeOf<typeof FollowUpsViewAnswer> => ({
  asOf: iso(now),
  due: report.due,
  overdue: report.overdue,
  owners: report.owners.map((owner) => ({
    ownerId: owner.ownerId,
    department: owner.department,
    due: owner.due,
    overdue: owner.overdue,
    leads: owner.leads.map((lead) => ({
      leadId: lead.leadId,
      dueAt: iso(lead.dueAt),
      overdue: lead.overdue,
    })),
  })),
});

const REP_ROW = {
  ownerId: t.string,
  department: t.string,
  effectiveLeadsGained: Count,
  firstContactTimeliness: RatioAnswer,
  entryTimeliness: RatioAnswer,
  cohortConversion: RatioAnswer,
  periodConversion: RatioAnswer,
  cycle: CycleAnswer,
  dueFollowUps: Count,
  overdueFollowUps: Count,
};
const repReportAnswer = <R extends t.Mixed>(row: R) =>
  t.type({
    period: t.type({ label: t.string, from: InstantText, to: InstantText }),
    reps: t.readonlyArray(row),
  });
/** `GET /reports/reps` as the view computes it, before the organisation's names are added. */
export const RepReportViewAnswer = repReportAnswer(t.type(REP_ROW));
/** `GET /reports/reps`: each rep's row with the rep's display name. */
export const RepReportAnswer = repReportAnswer(t.type({ ...REP_ROW, ownerName: orNull(RepName) }));
export const repReportRepresentation = (
  report: RepPeriodReport,
): t.TypeOf<typeof RepReportViewAnswer> => ({
  period: {
    label: report.period.label,
    from: iso(report.period.from),
    to: iso(report.period.to),
  },
  reps: report.reps.map((rep) => ({
    ownerId: rep.ownerId,
    department: rep.department,
    effectiveLeadsGained: rep.effectiveLeadsGained,
    firstContactTimeliness: ratioOf(rep.firstContactTimeliness),
    entryTimeliness: ratioOf(rep.entryTimeliness),
    cohortConversion: ratioOf(rep.cohortConversion),
    periodConversion: ratioOf(rep.periodConversion),
    cycle: cycleOf(rep.cycle),
    dueFollowUps: rep.dueFollowUps,
    overdueFollowUps: rep.overdueFollowUps,
  })),
});
