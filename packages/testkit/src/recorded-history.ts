import {
  Channel,
  type GlobalPosition,
  type JsonObject,
  LEAD_STREAM_PREFIX,
  type RecordedEvent,
} from "@leadledger/core";
import { CURRENT_SCHEMA_VERSION } from "@leadledger/core/adapter";
import fc from "fast-check";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** How a generated global log of lead histories is shaped. Every field has a default. */
export interface RecordedHistoryOptions {
  /** Seeds the pseudo-random generator: the same options always give the same log. */
  readonly seed: number;
  /** How many leads are captured. Default 100. */
  readonly leads?: number;
  /** Stop after this many events (a prefix of a valid log is a valid log). Default: none. */
  readonly maxEvents?: number;
  /** Acquisition time of the first lead, epoch milliseconds. Default 2026-01-05T00:00:00Z. */
  readonly startAt?: number;
  /** Acquisitions are spread evenly (with jitter) over this many days. Default 180. */
  readonly acquisitionSpanDays?: number;
  readonly departments?: number;
  readonly repsPerDepartment?: number;
  /** Share of captures preceded by an event in a `contact-reservation-*` stream. Default 0.5. */
  readonly reservationShare?: number;
  /** Largest step between consecutive global positions (1 = contiguous). Default 1. */
  readonly maxPositionStep?: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const DEFAULT_START = Date.UTC(2026, 0, 5);

/**
 * Seeded dice over pure-rand's xoroshiro128+. Not for secrets: it only has to make
 * generated histories reproducible from a seed.
 */
class Dice {
  private readonly rng: RandomGenerator;
  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed);
  }
  /** A float in [0, 1). */
  next(): number {
    return uniformFloat64(this.rng);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  pick<T>(values: readonly T[]): T {
    return values[uniformInt(this.rng, 0, values.length - 1)] as T;
  }
  private readonly bytes = Buffer.alloc(32);
  /** Random lower-case hex, at most 64 digits, as one flat string. */
  hex(length: number): string {
    const words = Math.ceil(length / 8);
    for (let i = 0; i < words; i++) {
      this.bytes.writeUInt32LE(this.rng.next() >>> 0, i * 4);
    }
    return this.bytes.toString("hex", 0, Math.ceil(length / 2)).slice(0, length);
  }
  uuid(): string {
    const h = this.hex(32);
    const b = this.bytes;
    // Version 4, variant 10xx, as the ids of real writers are.
    return `${b.toString("hex", 0, 4)}-${b.toString("hex", 4, 6)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${b.toString("hex", 10, 16)}`;
  }
}

const CHANNELS = Object.keys(Channel.keys) as readonly Channel[];
const SOURCE_CLASSES = ["own", "own", "own", "partner", "competitor"] as const;
const REGIONS = ["华东", "华南", "华北", "西南", "华中", "东北"] as const;
const INDUSTRIES = ["餐饮", "零售", "教育", "酒店", "医疗", "物流", "制造"] as const;
const SIZES = ["large", "medium", "small"] as const;
const METHODS = ["phone", "phone", "email", "meeting", "messaging", "sms"] as const;
const TOPIC_SETS: readonly (readonly string[])[] = [
  ["general-info"],
  ["materials"],
  ["general-info", "materials"],
  ["franchise-policy"],
  ["franchise-policy", "fees"],
  ["site", "contract-terms"],
  ["fees", "investment-return"],
  ["franchise-policy", "fees", "site", "contract-terms"],
];
const TBC = Object.freeze({ tbc: true });
// Projections never read the personal part, so one dummy envelope stands for every one.
const ENVELOPE = Object.freeze({
  alg: "A256GCM",
  kid: "generated",
  iv: "AAAAAAAAAAAAAAAA",
  ct: "AA",
});

type Temperature = "hot" | "warm" | "cold" | "junk";

interface Rep {
  readonly owner: JsonObject;
  readonly actor: JsonObject;
  readonly department: number;
}

/** One planned event of one lead, waiting in the merge for its turn in the global log. */
interface Planned {
  readonly recordedAt: number;
  readonly order: number;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: JsonObject;
  readonly occurredAt: number;
  readonly leadId: string | undefined;
  readonly actor: JsonObject;
}

/** A binary min-heap of planned events by recording time, then planning order. */
class Agenda {
  private readonly items: Planned[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Planned | undefined {
    return this.items[0];
  }
  private less(a: Planned, b: Planned): boolean {
    return a.recordedAt < b.recordedAt || (a.recordedAt === b.recordedAt && a.order < b.order);
  }
  push(item: Planned): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i] as Planned, items[parent] as Planned)) break;
      [items[i], items[parent]] = [items[parent] as Planned, items[i] as Planned];
      i = parent;
    }
  }
  pop(): Planned | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && this.less(items[left] as Planned, items[smallest] as Planned)) {
        smallest = left;
      }
      if (right < items.length && this.less(items[right] as Planned, items[smallest] as Planned)) {
        smallest = right;
      }
      if (smallest === i) return top;
      [items[i], items[smallest]] = [items[smallest] as Planned, items[i] as Planned];
      i = smallest;
    }
  }
}

/**
 * Shares equal data objects between events. Most facts repeat (the same owner, the same
 * topics, the same outcome), and a million distinct copies would measure the generator's
 * memory instead of the code under test.
 */
class Interned {
  private readonly objects = new Map<string, JsonObject>();
  get(key: string, make: () => JsonObject): JsonObject {
    let found = this.objects.get(key);
    if (found === undefined) {
      found = make();
      this.objects.set(key, found);
    }
    return found;
  }
}

const iso = (millis: number): string => new Date(millis).toISOString();
const calendarDay = (millis: number): string => iso(millis).slice(0, 10);

/**
 * Generates a valid, realistic global log of lead histories, in commit order, lazily: a
 * million events never sit in memory at once unless the caller keeps them.
 *
 * Every lead stream obeys the rules the core enforces: `LeadCaptured` first and once,
 * nothing after `LeadPurged`, at most one `LeadConverted`, no `LeadGraded` after it,
 * business times (`occurredAt`) never before the acquisition nor after `recordedAt`,
 * `recordedAt` non-decreasing along the log, a purge after a flag (or at once on an erasure
 * request), a contact after a flag clearing it, a conversion after a follow-up, an agreed
 * next follow-up day after its contact. Captures come late (> 24 h) now and then, with a
 * late-entry reason (sealed, as all free text is); first contacts are mostly within 24 h, sometimes late, sometimes
 * never; some leads are graded, visited, reassigned, amended, converted, flagged, purged.
 * `contact-reservation-*` events are interleaved, as the ledger writes them. Personal
 * parts are a dummy envelope; hashes are random hex (projections check neither).
 */
export function* recordedHistory(options: RecordedHistoryOptions): Generator<RecordedEvent> {
  const dice = new Dice(options.seed);
  const leadCount = options.leads ?? 100;
  const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  const startAt = options.startAt ?? DEFAULT_START;
  const span = (options.acquisitionSpanDays ?? 180) * DAY;
  const reservationShare = options.reservationShare ?? 0.5;
  const maxStep = Math.max(1, Math.floor(options.maxPositionStep ?? 1));
  const interned = new Interned();
  const reps: Rep[][] = [];
  const departmentCount = Math.max(1, options.departments ?? 4);
  const repsPerDepartment = Math.max(1, options.repsPerDepartment ?? 5);
  for (let d = 0; d < departmentCount; d++) {
    const department = `dept-${d + 1}`;
    const members: Rep[] = [];
    for (let r = 0; r < repsPerDepartment; r++) {
      const id = `rep-${d + 1}-${r + 1}`;
      members.push({
        owner: Object.freeze({ repId: id, department }),
        actor: Object.freeze({ id, role: "rep", department }),
        department: d,
      });
    }
    reps.push(members);
  }
  const heads = reps.map((_, d) =>
    Object.freeze({ id: `head-${d + 1}`, role: "head", department: `dept-${d + 1}` }),
  );

  const agenda = new Agenda();
  let order = 0;
  let nextLead = 0;
  let position = 0n;
  let emitted = 0;
  const step = (): bigint => BigInt(maxStep === 1 ? 1 : dice.int(1, maxStep));

  // Acquisitions never go back: the merge below relies on it.
  let lastAcquiredAt = startAt;
  const acquisitionOf = (index: number): number => {
    const planned = startAt + (span * index) / Math.max(1, leadCount) + dice.between(0, HOUR);
    lastAcquiredAt = Math.max(lastAcquiredAt, Math.floor(planned));
    return lastAcquiredAt;
  };

  const planLead = (acquiredAt: number): void => {
    const leadId = dice.uuid();
    const stream = `${LEAD_STREAM_PREFIX}${leadId}`;
    const department = dice.int(0, departmentCount - 1);
    let rep = dice.pick(reps[department] as Rep[]);
    const roll = dice.next();
    const temperature: Temperature =
      roll < 0.15 ? "hot" : roll < 0.45 ? "warm" : roll < 0.85 ? "cold" : "junk";
    let revision = 0;
    let lastRecordedAt = 0;
    let lastOccurredAt = acquiredAt;
    let converted = false;
    let flagged = false;

    const plan = (
      type: string,
      data: JsonObject,
      occurredAt: number,
      actor: JsonObject = rep.actor,
    ): void => {
      // Business time never before the acquisition; recording after it, and after the
      // stream's previous event, because the log is in commit order.
      const at = Math.max(occurredAt, acquiredAt);
      // Now and then a contact is written up the next day: business time stays when it was.
      const writeUpDelay = dice.chance(0.05)
        ? dice.between(2 * HOUR, 30 * HOUR)
        : dice.between(0, 2 * HOUR);
      const recordedAt = Math.max(
        at + Math.floor(writeUpDelay),
        lastRecordedAt + Math.floor(dice.between(MINUTE, 30 * MINUTE)),
      );
      agenda.push({
        recordedAt,
        order: order++,
        stream,
        revision: revision++,
        type,
        data,
        occurredAt: at,
        leadId,
        actor,
      });
      lastRecordedAt = recordedAt;
      lastOccurredAt = Math.max(lastOccurredAt, at);
    };

    // Capture.
    const late = dice.chance(0.08);
    const entryDelay = late
      ? Math.floor(dice.between(25 * HOUR, 96 * HOUR))
      : Math.floor(dice.between(5 * MINUTE, 20 * HOUR));
    const channel = dice.chance(0.05) ? "tbc" : dice.pick(CHANNELS);
    const sourceClass = dice.chance(0.05) ? "tbc" : dice.pick(SOURCE_CLASSES);
    const region = dice.chance(0.08) ? "tbc" : dice.pick(REGIONS);
    const industry = dice.chance(0.08) ? "tbc" : dice.pick(INDUSTRIES);
    const size = dice.pick(SIZES);
    const inquiry = dice.chance(0.5) ? "inbound" : "outbound";
    const partyKind = dice.chance(0.7) ? "company" : "individual";
    const ownerKey = `${(rep.owner as { repId: string }).repId}`;
    // The fields left to be confirmed, as the ledger lists them since issue 14. A channel to
    // be confirmed is no longer accepted: such a capture stands for one recorded before,
    // which has no list.
    const toBeConfirmed =
      channel === "tbc"
        ? undefined
        : [
            "contact.fax",
            "needs.businessCategory",
            "needs.site.location",
            partyKind === "company" ? "party.annualRevenue" : "party.age",
            ...(sourceClass === "tbc" ? ["source.sourceClass"] : []),
            ...(region === "tbc" ? ["classification.region"] : []),
            ...(industry === "tbc" ? ["classification.industry"] : []),
          ].sort();
    const captureData = interned.get(
      `C|${ownerKey}|${channel}|${sourceClass}|${region}|${industry}|${size}|${inquiry}|${partyKind}|${late}`,
      () => ({
        partyKind,
        needs: {
          investmentFields: ["连锁加盟"],
          investmentAmount: { min: 200_000, max: 800_000, currency: "CNY" },
          investmentHorizon: "1-2 年",
          businessCategory: TBC,
          site: {
            area: { minSquareMetres: 80, maxSquareMetres: 200 },
            location: TBC,
            fitOut: "简装",
          },
        },
        source: {
          channel: channel === "tbc" ? TBC : channel,
          sourceClass: sourceClass === "tbc" ? TBC : sourceClass,
          inquiryMode: inquiry,
        },
        classification: {
          industry: industry === "tbc" ? TBC : industry,
          companySize: size,
          needType: "general",
          region: region === "tbc" ? TBC : region,
        },
        owner: rep.owner,
        ...(toBeConfirmed === undefined ? {} : { toBeConfirmed }),
        // A late capture's reason is sealed in the personal part, as all free text is.
        personal: ENVELOPE,
      }),
    );
    // The capture is recorded at acquisition + entry delay; a reservation just before it.
    const captureRecordedAt = acquiredAt + entryDelay;
    if (dice.chance(reservationShare)) {
      agenda.push({
        recordedAt: captureRecordedAt,
        order: order++,
        stream: `contact-reservation-${dice.hex(24)}`,
        revision: 0,
        type: "ContactReserved",
        data: interned.get("R", () => ({ kind: "phone" })),
        occurredAt: captureRecordedAt,
        leadId: undefined,
        actor: rep.actor,
      });
    }
    agenda.push({
      recordedAt: captureRecordedAt,
      order: order++,
      stream,
      revision: revision++,
      type: "LeadCaptured",
      data: captureData,
      occurredAt: acquiredAt,
      leadId,
      actor: rep.actor,
    });
    lastRecordedAt = captureRecordedAt;

    // Amendment filling a field that was to be confirmed.
    if (channel === "tbc" || region === "tbc" || dice.chance(0.05)) {
      const amendChannel = channel === "tbc" ? dice.pick(CHANNELS) : undefined;
      const amendRegion = region === "tbc" ? dice.pick(REGIONS) : undefined;
      const stillOpen = toBeConfirmed?.filter(
        (field) => amendRegion === undefined || field !== "classification.region",
      );
      const data = interned.get(`A|${amendChannel}|${amendRegion}|${stillOpen}`, () => ({
        ...(amendChannel === undefined ? {} : { source: { channel: amendChannel } }),
        classification:
          amendRegion === undefined ? { needType: "special" } : { region: amendRegion },
        ...(stillOpen === undefined ? {} : { toBeConfirmed: stillOpen }),
        personal: ENVELOPE,
      }));
      plan("LeadAmended", data, captureRecordedAt + Math.floor(dice.between(HOUR, 5 * DAY)));
    }

    // Erasure requests end a lead at once, whatever it was.
    if (dice.chance(0.01)) {
      plan(
        "LeadPurged",
        interned.get("P|erasure", () => ({
          reason: "erasure-request",
          erasureRequest: true,
          personal: ENVELOPE,
        })),
        captureRecordedAt + Math.floor(dice.between(HOUR, 10 * DAY)),
        heads[department] as JsonObject,
      );
      return;
    }

    // First contact: mostly within 24 h of acquisition, sometimes late, sometimes never.
    const contactRoll = dice.next();
    if (contactRoll < 0.1 || (temperature === "junk" && contactRoll < 0.4)) {
      if (temperature === "junk")
        planPurge(captureRecordedAt + Math.floor(dice.between(20, 60)) * DAY);
      return;
    }
    let at =
      acquiredAt +
      (contactRoll < 0.8
        ? Math.floor(dice.between(20 * MINUTE, 23 * HOUR))
        : Math.floor(dice.between(25 * HOUR, 6 * DAY)));
    const contacts =
      temperature === "hot"
        ? dice.int(3, 9)
        : temperature === "warm"
          ? dice.int(2, 6)
          : temperature === "cold"
            ? dice.int(1, 3)
            : 1;
    const cadenceDays = temperature === "hot" ? 3 : temperature === "warm" ? 7 : 30;
    let graded = false;
    for (let c = 0; c < contacts; c++) {
      if (c > 0) at += Math.floor(dice.between(0.5, 1.6) * cadenceDays * DAY);
      planContact(at, c === contacts - 1);
      if (!graded && (c >= 1 || dice.chance(0.4))) {
        graded = true;
        planGrade(at + Math.floor(dice.between(MINUTE, HOUR)));
      } else if (graded && dice.chance(0.15)) {
        planGrade(at + Math.floor(dice.between(MINUTE, HOUR)));
      }
      if ((temperature === "hot" || temperature === "warm") && c >= 1 && dice.chance(0.25)) {
        plan("LeadVisited", visitData(), at + Math.floor(dice.between(DAY, 4 * DAY)));
        at = lastOccurredAt;
      }
      if (dice.chance(0.03)) planAssignment(at + Math.floor(dice.between(HOUR, DAY)));
    }

    const convertChance =
      temperature === "hot"
        ? 0.55
        : temperature === "warm"
          ? 0.15
          : temperature === "cold"
            ? 0.02
            : 0;
    if (dice.chance(convertChance)) {
      converted = true;
      const convertedAt = at + Math.floor(dice.between(HOUR, 10 * DAY));
      const amount = dice.int(5, 80) * 10_000;
      // The contract reference is sealed in the personal part.
      plan(
        "LeadConverted",
        { dealValue: { amount, currency: "CNY" }, personal: ENVELOPE },
        convertedAt,
      );
      // After-sale return visits (回访) may follow a conversion.
      const returns = dice.int(0, 2);
      let after = convertedAt;
      for (let r = 0; r < returns; r++) {
        after += Math.floor(dice.between(10, 40) * DAY);
        if (dice.chance(0.5)) planContact(after, true);
        else plan("LeadVisited", visitData(), after);
      }
      return;
    }
    if (temperature === "junk" || (temperature === "cold" && dice.chance(0.3))) {
      planPurge(lastOccurredAt + Math.floor(dice.between(30, 90)) * DAY);
    }

    function planContact(when: number, last: boolean): void {
      const agreed = !last || dice.chance(0.3) ? dice.chance(0.5) : false;
      const method = dice.pick(METHODS);
      const topics = dice.pick(
        temperature === "hot" ? TOPIC_SETS.slice(3) : TOPIC_SETS.slice(0, 5),
      );
      const intent =
        temperature === "hot"
          ? "stated"
          : temperature === "warm"
            ? "preliminary"
            : dice.pick(["none", "declined", "none"]);
      const next = agreed ? calendarDay(when + dice.int(2, 14) * DAY) : undefined;
      const direction = dice.chance(0.3) ? "inbound" : "outbound";
      const data = interned.get(
        `K|${method}|${topics.join(",")}|${intent}|${direction}|${next}`,
        () => ({
          method,
          direction,
          topics: [...topics],
          intent,
          requirementsFit: temperature === "junk" ? "fails" : "meets",
          outcome: next === undefined ? "reached" : "follow-up-agreed",
          ...(next === undefined ? {} : { nextFollowUpOn: next }),
          personal: ENVELOPE,
        }),
      );
      plan("LeadContacted", data, when);
      if (flagged) {
        flagged = false;
        plan(
          "PurgeFlagCleared",
          interned.get("X|contact", () => ({ cause: "contact" })),
          when,
        );
      }
    }

    function planGrade(when: number): void {
      if (converted) return;
      const grade =
        temperature === "hot"
          ? dice.pick(["high", "high", "medium"])
          : temperature === "warm"
            ? dice.pick(["medium", "medium", "high", "low"])
            : "low";
      const byRule = dice.chance(0.8);
      plan(
        "LeadGraded",
        interned.get(`G|${grade}|${byRule}`, () =>
          byRule
            ? {
                grade,
                basis: { kind: "rule", policy: "default", version: "1" },
                reasons: ["engagement"],
              }
            : // A manual grade's reason is sealed in the personal part.
              { grade, basis: { kind: "manual" }, reasons: [], personal: ENVELOPE },
        ),
        when,
      );
    }

    function visitData(): JsonObject {
      const kind = dice.chance(0.6) ? "inspection" : "call-on";
      const intent = temperature === "hot" ? "stated" : "preliminary";
      return interned.get(`V|${kind}|${intent}`, () => ({
        kind,
        intent,
        requirementsFit: "meets",
        topics: ["site", "fees"],
        personal: ENVELOPE,
      }));
    }

    function planAssignment(when: number): void {
      const crossDepartment = departmentCount > 1 && dice.chance(0.1);
      const targetDepartment = crossDepartment
        ? (rep.department + dice.int(1, departmentCount - 1)) % departmentCount
        : rep.department;
      const target = dice.pick(reps[targetDepartment] as Rep[]);
      if (target === rep) return;
      const from = rep;
      plan(
        "LeadAssigned",
        interned.get(
          `S|${(from.owner as { repId: string }).repId}|${(target.owner as { repId: string }).repId}`,
          () => ({ from: from.owner, to: target.owner, personal: ENVELOPE }),
        ),
        when,
        heads[from.department] as JsonObject,
      );
      rep = target;
    }

    function planPurge(when: number): void {
      const reason =
        temperature === "junk"
          ? dice.pick(["duplicate", "invalid-data"])
          : "no-intent-long-silence";
      flagged = true;
      plan(
        "LeadFlaggedForPurge",
        interned.get(`F|${reason}`, () => ({ reason, personal: ENVELOPE })),
        when,
      );
      // The re-check (再次核实) finds the lead alive now and then: a contact clears the flag.
      if (temperature === "cold" && dice.chance(0.2)) {
        planContact(when + Math.floor(dice.between(DAY, 7 * DAY)), true);
        return;
      }
      flagged = false;
      plan(
        "LeadPurged",
        interned.get(`P|${reason}`, () => ({ reason, erasureRequest: false, personal: ENVELOPE })),
        when + Math.floor(dice.between(DAY, 14 * DAY)),
        heads[rep.department] as JsonObject,
      );
    }
  };

  let sequence = 0;
  let pendingAcquiredAt: number | undefined;
  while (emitted < maxEvents) {
    // A lead is planned before any event recorded after its acquisition is emitted: every
    // event of a lead is recorded at or after its acquisition, so the merge stays in order.
    while (nextLead < leadCount) {
      const top = agenda.peek();
      pendingAcquiredAt ??= acquisitionOf(nextLead);
      if (top !== undefined && top.recordedAt < pendingAcquiredAt) break;
      planLead(pendingAcquiredAt);
      pendingAcquiredAt = undefined;
      nextLead++;
    }
    const next = agenda.pop();
    if (next === undefined) return;
    position += step();
    emitted++;
    sequence++;
    const metadata: JsonObject =
      next.leadId === undefined
        ? {
            occurredAt: iso(next.occurredAt),
            recordedAt: iso(next.recordedAt),
            actor: next.actor,
            commandId: `cmd-${sequence}`,
            hash: dice.hex(64),
            schemaVersion: 1,
          }
        : {
            leadId: next.leadId,
            occurredAt: iso(next.occurredAt),
            recordedAt: iso(next.recordedAt),
            actor: next.actor,
            commandId: `cmd-${sequence}`,
            hash: dice.hex(64),
            schemaVersion: CURRENT_SCHEMA_VERSION,
          };
    yield {
      id: dice.uuid(),
      type: next.type,
      data: next.data,
      metadata,
      stream: next.stream,
      revision: BigInt(next.revision),
      position: position as GlobalPosition,
    };
  }
}

/** The whole generated log as an array: for tests and small histories. */
export const recordedHistoryArray = (options: RecordedHistoryOptions): RecordedEvent[] => [
  ...recordedHistory(options),
];

/** What a property test may vary in {@link recordedHistoryArbitrary}. */
export interface RecordedHistoryArbitraryConstraints {
  /** Most leads in one history. Default 40. */
  readonly maxLeads?: number;
  readonly maxDepartments?: number;
  readonly maxRepsPerDepartment?: number;
}

/**
 * A fast-check arbitrary of valid global logs. It draws the generator's knobs (seed, lead
 * count, departments, reps, span, position gaps); shrinking lowers the lead count and the
 * organisation's size, which is what makes a failing history readable.
 */
export const recordedHistoryArbitrary = (
  constraints: RecordedHistoryArbitraryConstraints = {},
): fc.Arbitrary<readonly RecordedEvent[]> =>
  fc
    .record({
      leads: fc.integer({ min: 0, max: constraints.maxLeads ?? 40 }),
      departments: fc.integer({ min: 1, max: constraints.maxDepartments ?? 3 }),
      repsPerDepartment: fc.integer({ min: 1, max: constraints.maxRepsPerDepartment ?? 3 }),
      acquisitionSpanDays: fc.integer({ min: 1, max: 120 }),
      maxPositionStep: fc.integer({ min: 1, max: 3 }),
      reservationShare: fc.constantFrom(0, 0.5),
      seed: fc.integer(),
    })
    .map((options) => recordedHistoryArray(options));
