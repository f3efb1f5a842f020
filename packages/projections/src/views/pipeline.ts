import { Cells, type GroupKey, type PipelineDimension } from "../grouping.js";
import { isActive, type LeadSummary } from "../lead-summary.js";
import { canSee, type Viewer } from "../viewer.js";
import { rowArray } from "./row-array.js";

/** What to count in the pipeline, for whom. */
export interface PipelineQuery {
  readonly viewer: Viewer;
  /** Break the count down by these, e.g. `["stage", "grade"]`. Default: one total. */
  readonly by?: readonly PipelineDimension[];
}

/** Active leads of one group. */
export interface PipelineCell {
  readonly group: GroupKey;
  readonly leads: number;
}

export interface PipelineReport {
  /** Active leads the viewer can see. */
  readonly total: number;
  readonly cells: readonly PipelineCell[];
}

/**
 * The pipeline (docs/domain.md §6): the active leads (every lead not purged, converted ones
 * included as the last stage) the viewer can see, counted by the chosen dimensions.
 */
export const pipeline = (rows: Iterable<LeadSummary>, query: PipelineQuery): PipelineReport => {
  const cells = new Cells(query.by ?? [], () => ({ leads: 0 }));
  let total = 0;
  const list = rowArray(rows);
  for (let i = 0; i < list.length; i++) {
    const row = list[i] as LeadSummary;
    if (!isActive(row) || !canSee(query.viewer, row)) continue;
    total++;
    cells.of(row).leads++;
  }
  return {
    total,
    cells: cells.entries().map(({ group, value }) => ({ group, leads: value.leads })),
  };
};
