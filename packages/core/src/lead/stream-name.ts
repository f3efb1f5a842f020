import type { LeadId } from "./values.js";

/** Every lead stream's name starts with this; readers of the global log filter on it. */
export const LEAD_STREAM_PREFIX = "lead-";

/** The stream that holds one lead's events. */
export const leadStreamName = (leadId: LeadId): string => `${LEAD_STREAM_PREFIX}${leadId}`;

/** The lead id of a lead stream's name, or `undefined` for any other stream. */
export const leadIdOfStream = (stream: string): string | undefined =>
  stream.startsWith(LEAD_STREAM_PREFIX) ? stream.slice(LEAD_STREAM_PREFIX.length) : undefined;
