import {
  captureLead,
  executiveActor,
  gradeLead,
  headActor,
  purgeLead,
  recordContact,
  recordVisit,
  repActor,
} from "@leadledger/testkit";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";
import type { LeadId } from "../lead/values.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import type { EventStore, ReadStreamOptions } from "../store/event-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { fnvFingerprint } from "./command-index.js";
import type { CommandOutcome, LeadLedgerDeps } from "./ledger.js";
import { createLeadLedger } from "./ledger.js";

// Issue 12, item 17: a loaded lead keeps the exact record of its latest commands only, and
// a fingerprint of older ones. Retries must not notice: whatever a ledger that remembers
// every command would answer, the bounded one answers too.

const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const LEADS = ["6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d"];

const ledgerWith = (overrides: Partial<LeadLedgerDeps>) => {
  let ids = 0;
  const eventStore = createInMemoryEventStore();
  const ledger = createLeadLedger({
    eventStore,
    keyStore: createInMemoryKeyStore(),
    secret: new Uint8Array(32).fill(7),
    clock: () => NOW,
    newId: () => `00000000-0000-7000-8000-${(ids++).toString(16).padStart(12, "0")}`,
    ...overrides,
  });
  return { ledger, eventStore };
};

const captured = async (ledger: ReturnType<typeof createLeadLedger>) => {
  for (const [n, leadId] of LEADS.entries()) {
    const capture = captureLead({
      commandId: `capture-${n}`,
      leadId: leadId as LeadId,
      lateEntryReason: "typed in after the fair",
      contact: { ...captureLead().contact, phone: `+86 139${10_000_000 + n}`, email: `l${n}@e.cn` },
    } as never);
    const outcome = await ledger.execute(executiveActor, capture);
    if (E.isLeft(outcome)) throw new Error(outcome.left.code);
  }
};

/** A command of the script: its kind, its lead, and a payload detail a retry may change. */
interface Sent {
  readonly kind: "contact" | "visit" | "grade" | "purge";
  readonly lead: number;
  readonly commandId: string;
  readonly variant: number;
}

const commandOf = (sent: Sent): unknown => {
  const leadId = LEADS[sent.lead] as LeadId;
  const intents = ["stated", "preliminary", "none", "declined"] as const;
  const intent = intents[sent.variant % intents.length];
  switch (sent.kind) {
    case "contact":
      // Intent moves the rule grade: some contacts are one event, some two.
      return recordContact({ leadId, commandId: sent.commandId, intent } as never);
    case "visit":
      return recordVisit({ leadId, commandId: sent.commandId, intent } as never);
    case "grade":
      return gradeLead({
        leadId,
        commandId: sent.commandId,
        grade: ["high", "medium", "low"][sent.variant % 3],
      });
    case "purge":
      return purgeLead({
        leadId,
        commandId: sent.commandId,
        erasureRequest: true,
        recheckNote: undefined,
      } as never);
  }
};

const actorOf = (sent: Sent, byHead: boolean): Actor =>
  sent.kind === "purge" || byHead ? headActor : repActor;

type Step =
  | { readonly kind: "new"; readonly command: Omit<Sent, "commandId">; readonly byHead: boolean }
  | {
      readonly kind: "retry";
      readonly of: number;
      readonly changed: boolean;
      readonly byHead: boolean;
    };

const steps: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("new" as const),
        command: fc.record({
          kind: fc.oneof(
            { weight: 6, arbitrary: fc.constant("contact" as const) },
            { weight: 2, arbitrary: fc.constant("visit" as const) },
            { weight: 2, arbitrary: fc.constant("grade" as const) },
            { weight: 1, arbitrary: fc.constant("purge" as const) },
          ),
          lead: fc.nat(LEADS.length - 1),
          variant: fc.nat(11),
        }),
        byHead: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("retry" as const),
        of: fc.nat(),
        changed: fc.boolean(),
        byHead: fc.boolean(),
      }),
    },
  ),
  { minLength: 1, maxLength: 40 },
);

/**
 * What the caller sees of an outcome. The digest and the chain link are keyed with the
 * lead's data key, which each key store draws at random: they are left out.
 */
const seen = (outcome: E.Either<{ readonly code: string }, CommandOutcome>) =>
  E.isLeft(outcome)
    ? { code: outcome.left.code }
    : {
        leadId: outcome.right.leadId,
        revision: outcome.right.revision,
        position: outcome.right.position,
        replayed: outcome.right.replayed,
        events: outcome.right.events.map(({ metadata, ...event }) => {
          const {
            commandDigest: _digest,
            hash: _hash,
            ...rest
          } = metadata as Record<string, unknown>;
          return { ...event, metadata: rest };
        }),
      };

describe("idempotency with a bounded memory of commands", () => {
  it("answers every command and retry as a ledger that remembers every command", async () => {
    await fc.assert(
      fc.asyncProperty(
        steps,
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom<[string, (key: string) => number]>(
          ["one fingerprint for all", () => 7],
          ["two fingerprints", (key) => key.length % 2],
          ["FNV-1a", fnvFingerprint],
        ),
        fc.constantFrom(0, 12_000, undefined),
        async (script, recentCommands, [, commandFingerprint], cacheBytes) => {
          const everything = ledgerWith({ recentCommands: Number.MAX_SAFE_INTEGER });
          const bounded = ledgerWith({
            recentCommands,
            commandFingerprint,
            ...(cacheBytes === undefined ? {} : { cacheBytes }),
          });
          await captured(everything.ledger);
          await captured(bounded.ledger);
          const sent: Sent[] = [];
          for (const step of script) {
            let command: Sent;
            let byHead = step.byHead;
            if (step.kind === "retry" && sent.length > 0) {
              const earlier = sent[step.of % sent.length] as Sent;
              command = step.changed ? { ...earlier, variant: earlier.variant + 1 } : earlier;
            } else {
              const fresh =
                step.kind === "new"
                  ? step.command
                  : ({ kind: "contact", lead: 0, variant: 0 } as const);
              command = { ...fresh, commandId: `command-${sent.length}` };
              sent.push(command);
              byHead = step.byHead;
            }
            const actor = actorOf(command, byHead);
            const expected = seen(await everything.ledger.execute(actor, commandOf(command)));
            const actual = seen(await bounded.ledger.execute(actor, commandOf(command)));
            expect(actual).toEqual(expected);
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe("the cost of a bounded memory of commands", () => {
  /** The store, counting the reads of a stream from its start. */
  const countingReads = (store: EventStore) => {
    const fromStart: string[] = [];
    const counted: EventStore = Object.create(store);
    counted.readStream = (stream: string, options?: ReadStreamOptions) => {
      if ((options?.from ?? 0n) === 0n) fromStart.push(stream);
      return store.readStream(stream, options);
    };
    return { counted, fromStart };
  };

  const contact = (n: number) =>
    recordContact({ leadId: LEADS[0] as LeadId, commandId: `contact-${n}` } as never);

  it("answers a new command without reading the lead's history, and an old retry from it", async () => {
    const { eventStore } = ledgerWith({});
    const { counted, fromStart } = countingReads(eventStore);
    const { ledger } = ledgerWith({ eventStore: counted, recentCommands: 4 });
    await captured(ledger);
    for (let n = 0; n < 300; n++) {
      expect(E.isRight(await ledger.execute(repActor, contact(n)))).toBe(true);
    }
    expect(fromStart).toEqual([]);
    const retry = await ledger.execute(repActor, contact(7));
    expect(E.isRight(retry) && retry.right.replayed).toBe(true);
    expect(fromStart).toHaveLength(1);
    const mismatch = await ledger.execute(repActor, { ...(contact(8) as object), intent: "none" });
    expect(E.isLeft(mismatch) && mismatch.left.code).toBe("idempotency.mismatch");
  });

  it("lets leads go when their weight passes the byte budget, and loads them again", async () => {
    const { eventStore } = ledgerWith({});
    const { counted, fromStart } = countingReads(eventStore);
    // Room for one loaded lead of a few commands, not for two.
    const { ledger } = ledgerWith({ eventStore: counted, cacheBytes: 6_000 });
    await captured(ledger);
    fromStart.length = 0;
    for (let n = 0; n < 10; n++) {
      const lead = LEADS[(n + 1) % 2] as LeadId;
      const outcome = await ledger.execute(
        repActor,
        recordContact({ leadId: lead, commandId: `contact-${n}` } as never),
      );
      expect(E.isRight(outcome)).toBe(true);
    }
    // Each command found its lead gone, but for the first: its lead was captured last.
    expect(fromStart).toHaveLength(9);
  });
});
