// The workload both sides run: captures built by the testkit's captureLead() (each with a
// phone and e-mail of its own, so that the ledger finds no duplicate), then contacts in
// rounds over the captured leads, so that commands in flight touch different leads.
import { captureLead } from "@leadledger/testkit";
import type { ContactFacts } from "./lead-decider.js";

/** What the clock says on both sides: captures are recent, contacts follow them. */
export const NOW = Date.parse("2026-11-20T00:00:00Z");
const ACQUIRED_AT = "2026-11-19T01:00:00.000Z";
const FIRST_CONTACT = Date.parse("2026-11-19T02:00:00.000Z");

/** The batches of a run: timed captures, and the untimed ones whose leads get contacts. */
export type Batch = "timed" | "setup";
const BATCH_OFFSET: Record<Batch, number> = { timed: 10_000_000, setup: 50_000_000 };

/** The n-th capture of a batch, as the ledger takes it (the ledger picks the lead id). */
export const captureCommand = (batch: Batch, n: number) =>
  captureLead({
    commandId: `capture-${batch}-${n}`,
    leadId: undefined,
    acquiredAt: ACQUIRED_AT,
    contact: {
      ...captureLead().contact,
      phone: `+86 139${String(BATCH_OFFSET[batch] + n)}`,
      email: `l${batch}-${n}@example.cn`,
    },
  } as never);

/** The structured facts of a lead's n-th contact (no personal text, as bench/core). */
export const contactFacts = (n: number): ContactFacts => ({
  occurredAt: new Date(FIRST_CONTACT + n * 60_000).toISOString(),
  method: "phone",
  direction: n % 3 === 0 ? "inbound" : "outbound",
  topics: n % 2 === 0 ? ["fees"] : ["site"],
  intent: "preliminary",
  outcome: "reached",
});

/** One contact: which lead (by index) and which of its contacts. */
export interface ContactSlot {
  readonly lead: number;
  readonly n: number;
}

/** Contacts in rounds: every lead's first contact, then every lead's second, … */
export const contactSlots = (leads: number, perLead: number): ContactSlot[] => {
  const slots: ContactSlot[] = [];
  for (let n = 0; n < perLead; n++)
    for (let lead = 0; lead < leads; lead++) slots.push({ lead, n });
  return slots;
};

/** A figure and the errors met while taking it. */
export interface Figure {
  /** Commands that succeeded, per second of the phase. */
  readonly perSecond: number;
  readonly done: number;
  readonly errors: Readonly<Record<string, number>>;
  /** Commands never started because the phase ran out of time. */
  readonly notStarted: number;
}

/**
 * Runs `work` over `items` with `inFlight` workers; errors are counted by code, not thrown.
 * Past `seconds`, no new item is started (a side that stalls cannot hold the bench up).
 */
export const drive = async <T>(
  items: readonly T[],
  inFlight: number,
  work: (item: T) => Promise<void>,
  seconds = Number.POSITIVE_INFINITY,
): Promise<Figure> => {
  const errors: Record<string, number> = {};
  let next = 0;
  let done = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1_000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < items.length && Date.now() < deadline) {
        const item = items[next++] as T;
        try {
          await work(item);
          done += 1;
        } catch (error) {
          const code = errorCode(error);
          errors[code] = (errors[code] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: done / elapsed, done, errors, notStarted: items.length - next };
};

const errorCode = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : "";
    // node-sqlite3's codes are coarse (a failed ROLLBACK after SQLITE_BUSY is SQLITE_ERROR):
    // its message says which.
    if (typeof code === "string")
      return message.startsWith(`${code}: `) ? message.slice(0, 70) : code;
    // Numbers vary per stream ("Expected version 3 does not match…"): one line per kind.
    if (error instanceof Error) return error.message.slice(0, 60).replace(/\d+/g, "n");
  }
  return String(error).slice(0, 60);
};
