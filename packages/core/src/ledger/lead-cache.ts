import type { LoadedLead } from "./loaded-lead.js";
import { weighLoadedLead } from "./loaded-lead.js";

/** The bounds of a lead cache: both hold after every call. */
export interface LeadCacheBounds {
  /** The most bytes the cached leads may weigh together, by {@link weighLoadedLead}. */
  readonly maxBytes: number;
  /** The most leads it may hold. */
  readonly maxLeads: number;
}

interface Entry {
  lead: LoadedLead;
  bytes: number;
}

/**
 * The leads a ledger keeps loaded between commands, least recently used first out, bounded
 * by their weight in bytes and by their number. A lead is weighed each time it is
 * remembered, so the ledger remembers a lead again after changing it; a lead heavier than
 * the whole budget is not kept at all (it is loaded again from the store when needed).
 */
export class LeadCache {
  readonly #bounds: LeadCacheBounds;
  /** In order of use: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(bounds: LeadCacheBounds) {
    for (const [name, value] of Object.entries(bounds)) {
      if (!(value >= 0)) throw new RangeError(`a lead cache's ${name} must be ≥ 0, not ${value}`);
    }
    this.#bounds = bounds;
  }

  get(leadId: string): LoadedLead | undefined {
    return this.#entries.get(leadId)?.lead;
  }

  /** Keeps the lead as the most recently used, weighed as it is now. */
  remember(lead: LoadedLead): void {
    const bytes = weighLoadedLead(lead);
    let entry = this.#entries.get(lead.leadId);
    if (entry === undefined) {
      entry = { lead, bytes };
    } else {
      // Possibly another object for the same lead (one loaded while this one was out of
      // the cache): both are true pictures of the stream, the one remembered last stays.
      this.#entries.delete(lead.leadId);
      this.#bytes -= entry.bytes;
      entry.lead = lead;
      entry.bytes = bytes;
    }
    this.#entries.set(lead.leadId, entry);
    this.#bytes += bytes;
    while (this.#bytes > this.#bounds.maxBytes || this.#entries.size > this.#bounds.maxLeads) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.forget(oldest.value);
    }
  }

  forget(leadId: string): void {
    const entry = this.#entries.get(leadId);
    if (entry === undefined) return;
    this.#entries.delete(leadId);
    this.#bytes -= entry.bytes;
  }

  /** What the cached leads weigh together, by {@link weighLoadedLead}. */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }
}
