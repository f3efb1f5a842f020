import { Count } from "@leadledger/core";
import type { CompletenessFigures, CompletenessReport } from "@leadledger/projections";
import * as t from "io-ts";

// `GET /views/completeness` (docs/metrics.md §3.7): its io-ts codec, for the OpenAPI
// response schema, and a function typed by it that copies the view's report field by field.

const RatioAnswer = t.type({
  numerator: Count,
  denominator: Count,
  rate: t.union([t.number, t.null]),
});

const FIGURES = {
  leads: Count,
  withOpenFields: RatioAnswer,
  notKnown: Count,
  fields: t.readonlyArray(t.type({ field: t.string, leads: Count })),
};
const Figures = t.type(FIGURES);

/** What `GET /views/completeness` answers: in all, per department, per owner. */
export const CompletenessAnswer = t.type({
  total: Figures,
  departments: t.readonlyArray(t.type({ department: t.string, ...FIGURES })),
  owners: t.readonlyArray(t.type({ ownerId: t.string, department: t.string, ...FIGURES })),
});
export type CompletenessAnswer = t.TypeOf<typeof CompletenessAnswer>;

const figuresOf = (figures: CompletenessFigures): t.TypeOf<typeof Figures> => ({
  leads: figures.leads,
  withOpenFields: {
    numerator: figures.withOpenFields.numerator,
    denominator: figures.withOpenFields.denominator,
    rate: figures.withOpenFields.rate,
  },
  notKnown: figures.notKnown,
  fields: figures.fields.map(({ field, leads }) => ({ field, leads })),
});

/** The completeness view's report as `GET /views/completeness` answers it. */
export const completenessRepresentation = (report: CompletenessReport): CompletenessAnswer => ({
  total: figuresOf(report.total),
  departments: report.departments.map((entry) => ({
    department: entry.department,
    ...figuresOf(entry),
  })),
  owners: report.owners.map((entry) => ({
    ownerId: entry.ownerId,
    department: entry.department,
    ...figuresOf(entry),
  })),
});
