/**
 * One piece of work per lead at a time in this process: work on a lead starts when the
 * work queued on it before has settled, however that ended; work on other leads does not
 * wait. Writers in other processes meet the store's expected-revision check instead.
 */
export class LeadQueue {
  /** The last work queued on each lead, while any is queued: a lead with none has no entry. */
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `work` on the lead in its turn; the answer is the work's own. */
  run<T>(leadId: string, work: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(leadId);
    // Nothing queued on this lead (the usual case): start at once rather than a tick later.
    const run = before === undefined ? work() : before.then(work, work);
    const leave = () => {
      if (this.#tails.get(leadId) === tail) this.#tails.delete(leadId);
    };
    const tail: Promise<void> = run.then(leave, leave);
    this.#tails.set(leadId, tail);
    return run;
  }

  /** How many leads have work queued or running. */
  get size(): number {
    return this.#tails.size;
  }
}
