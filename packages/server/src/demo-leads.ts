import type { Actor, LeadLedger } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;

/** Seeded dice (pure-rand's xoroshiro128+): the same anchor always lays out the same leads. */
class Dice {
  private readonly rng: RandomGenerator;
  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed);
  }
  chance(p: number): boolean {
    return uniformFloat64(this.rng) < p;
  }
  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }
  pick<T>(values: readonly T[]): T {
    return values[uniformInt(this.rng, 0, values.length - 1)] as T;
  }
}

/** How far back the demo's leads were acquired, in days before its anchor. */
export const DEMO_HISTORY_DAYS = 180;

/** One command of the demo, with who gives it and when it is recorded. */
export interface DemoCommand {
  readonly actor: Actor;
  readonly recordedAt: number;
  readonly command: Record<string, unknown> & { readonly type: string; readonly commandId: string };
}

const CITIES = ["杭州", "上海", "苏州", "南京", "宁波", "广州", "深圳", "厦门", "东莞", "佛山"];
const BRANDS = ["味道", "鲜果", "茶语", "悦享", "优选", "乐活", "星辰", "锦程", "华信", "嘉禾"];
const TRADES: readonly (readonly [string, string, string])[] = [
  ["餐饮管理", "餐饮", "tea drinks"],
  ["零售连锁", "零售", "convenience stores"],
  ["教育咨询", "教育", "children's education"],
  ["酒店管理", "酒店", "budget hotels"],
  ["健康管理", "医疗", "health checks"],
  ["物流服务", "物流", "last-mile delivery"],
];
const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙"];
const GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟"];
const CHANNELS = [
  "website",
  "social-media",
  "industry-site",
  "exhibition",
  "exhibition",
  "field-visit",
  "partner-referral",
  "industry-association",
  "inbound-inquiry",
  "inbound-inquiry",
  "market-research",
] as const;
const REGIONS = { east: ["华东", "华中"], south: ["华南", "西南"] } as const;

type Temperature = "hot" | "warm" | "cold" | "junk";

const iso = (millis: number): string => new Date(millis).toISOString();
const day = (millis: number): string => iso(millis).slice(0, 10);
/** A working-hours moment (09:00–18:00 China time) on the day of `millis`. */
const workingHours = (millis: number, dice: Dice): number =>
  Math.floor(millis / DAY) * DAY + HOUR + dice.int(0, 9 * 60 - 1) * MINUTE;

/**
 * Lays out the demo leads: `count` leads acquired over the half year before `anchor`, each
 * with a history that fits its temperature — hot leads are visited and mostly signed, junk
 * ones flagged and purged — so that every view has something to show. Nothing is recorded
 * after `anchor`; what would come later is what the follow-up list shows as due.
 */
export const demoCommands = (
  anchor: number,
  organisation: readonly Actor[],
  count = 300,
): DemoCommand[][] => {
  const dice = new Dice(anchor % 2_147_483_647);
  const reps = organisation.filter((a) => a.role === "rep");
  const heads = organisation.filter((a) => a.role === "head");
  const leads: DemoCommand[][] = [];
  for (let i = 0; i < count; i++) {
    const rep = dice.pick(reps);
    const head = heads.find((h) => h.department === rep.department) ?? rep;
    const commands: DemoCommand[] = [];
    const id = (n: string) => `demo-${String(i).padStart(4, "0")}-${n}`;
    const push = (
      actor: Actor,
      at: number,
      command: Record<string, unknown> & { type: string },
      n: string,
    ) => {
      if (at > anchor) return false;
      commands.push({
        actor,
        recordedAt: Math.min(anchor, at + dice.int(1, 30) * MINUTE),
        command: { ...command, commandId: id(n) },
      });
      return true;
    };

    const acquiredAt = workingHours(anchor - dice.int(3, DEMO_HISTORY_DAYS) * DAY, dice);
    const late = dice.chance(0.12);
    const enteredAt = Math.min(
      anchor,
      acquiredAt + (late ? dice.int(26, 60) * HOUR : dice.int(10, 18 * 60) * MINUTE),
    );
    const [business, industry, category] = dice.pick(TRADES);
    const city = dice.pick(CITIES);
    const company = dice.chance(0.7);
    const person = `${dice.pick(SURNAMES)}${dice.pick(GIVEN)}${dice.chance(0.5) ? dice.pick(GIVEN) : ""}`;
    const department = rep.department === "south" ? "south" : "east";
    const temperature: Temperature = dice.pick([
      "hot",
      "warm",
      "warm",
      "cold",
      "cold",
      "cold",
      "junk",
    ]);
    const tbc = { tbc: true };
    const amount = dice.int(2, 30) * 100_000;
    const capture = {
      type: "CaptureLead",
      acquiredAt: iso(acquiredAt),
      party: company
        ? {
            kind: "company",
            companyName: `${city}${dice.pick(BRANDS)}${business}有限公司`,
            registeredAddress: `${city}市${dice.pick(["西湖区", "天河区", "工业园区", "南山区"])}${dice.int(1, 300)}号`,
            legalRepresentative: person,
            businessScope: business,
            foundedOn: `${dice.int(2005, 2022)}-0${dice.int(1, 9)}-1${dice.int(0, 9)}`,
            registeredCapital: { amount: dice.int(1, 50) * 100_000, currency: "CNY" },
            employees: dice.chance(0.8) ? dice.int(5, 800) : tbc,
            annualRevenue: tbc,
          }
        : {
            kind: "individual",
            name: person,
            gender: dice.pick(["female", "male"]),
            age: dice.int(26, 58),
            occupation: dice.pick(["个体经营", "企业高管", "自由职业", tbc]),
            investmentExperience: dice.pick(["开过两家门店", "首次创业", tbc]),
            availableFunds: { amount, currency: "CNY" },
          },
      contact: {
        phone: `+86 139${String(10_000_000 + i * 7_919).slice(-8)}`,
        email: `lead${i}@example-${dice.pick(["mail", "corp", "biz"])}.cn`,
        fax: tbc,
        messaging: dice.chance(0.6) ? { platform: "WeChat", handle: `wx_lead_${i}` } : tbc,
        address: tbc,
      },
      needs: {
        investmentFields: [industry],
        investmentAmount: dice.chance(0.8)
          ? { min: amount, max: amount * 2, currency: "CNY" }
          : tbc,
        investmentHorizon: dice.pick(["1 year", "3 years", "5 years", tbc]),
        businessCategory: category,
        site: {
          area: dice.chance(0.7)
            ? { minSquareMetres: 40, maxSquareMetres: dice.int(60, 300) }
            : tbc,
          location: `${city}, ${dice.pick(["street front", "mall", "office park"])}`,
          fitOut: tbc,
        },
      },
      source: {
        channel: dice.pick(CHANNELS),
        sourceClass: dice.pick(["own", "own", "own", "partner", "competitor"]),
        inquiryMode: dice.pick(["inbound", "outbound"]),
      },
      classification: {
        industry,
        companySize: company ? dice.pick(["large", "medium", "small"]) : tbc,
        needType: dice.pick(["general", "general", "special"]),
        region: dice.pick(REGIONS[department]),
      },
      owner: { repId: rep.id, department: rep.department },
      ...(late ? { lateEntryReason: "展会结束后统一录入" } : {}),
    };
    commands.push({
      actor: rep,
      recordedAt: enteredAt,
      command: { ...capture, commandId: id("capture") },
    });

    // Follow-ups: the first within a day for most leads, then every few days to weeks.
    const contacts = {
      hot: dice.int(3, 6),
      warm: dice.int(2, 4),
      cold: dice.int(1, 2),
      junk: dice.int(0, 1),
    }[temperature];
    let at = Math.max(
      enteredAt,
      acquiredAt + (dice.chance(0.75) ? dice.int(1, 20) : dice.int(25, 100)) * HOUR,
    );
    let lastFollowUp = acquiredAt;
    let stopped = false;
    for (let c = 0; c < contacts && !stopped; c++) {
      const final = c === contacts - 1;
      const next = at + dice.int(2, 14) * DAY;
      const intent =
        temperature === "hot"
          ? c >= 1
            ? "stated"
            : "preliminary"
          : temperature === "warm"
            ? "preliminary"
            : temperature === "cold"
              ? "none"
              : "declined";
      const topics =
        temperature === "hot"
          ? dice.pick([
              ["franchise-policy", "fees"],
              ["site", "contract-terms"],
              ["fees", "investment-return"],
            ])
          : temperature === "warm"
            ? dice.pick([["general-info"], ["materials"], ["franchise-policy"]])
            : ["general-info"];
      const recorded = push(
        rep,
        at,
        {
          type: "RecordContact",
          occurredAt: iso(at),
          method: dice.pick(["phone", "phone", "email", "meeting", "messaging"]),
          direction: dice.chance(0.3) ? "inbound" : "outbound",
          topics,
          intent,
          outcome:
            temperature === "junk"
              ? "not-reached"
              : dice.pick(["reached", "follow-up-agreed", "materials-sent"]),
          requirementsFit: temperature === "hot" ? "meets" : "unknown",
          summary: `与${person}沟通${business}加盟事宜`,
          ...(final && temperature !== "junk" ? {} : { nextFollowUpOn: day(next) }),
        },
        `contact-${c}`,
      );
      if (!recorded) stopped = true;
      lastFollowUp = at;
      if (c === 0 && !stopped)
        push(
          rep,
          at + HOUR,
          { type: "GradeLead", occurredAt: iso(at + HOUR), by: "rule" },
          "grade-rule",
        );
      at = next;
    }

    if (temperature === "hot" || (temperature === "warm" && dice.chance(0.3))) {
      const visitAt = workingHours(lastFollowUp + dice.int(1, 7) * DAY, dice);
      if (
        push(
          rep,
          visitAt,
          {
            type: "RecordVisit",
            occurredAt: iso(visitAt),
            kind: temperature === "hot" ? "inspection" : "call-on",
            intent: temperature === "hot" ? "stated" : "preliminary",
            requirementsFit: temperature === "hot" ? "meets" : "unknown",
            topics: ["site"],
            purpose: "实地考察样板店",
          },
          "visit",
        )
      ) {
        lastFollowUp = visitAt;
        if (temperature === "hot" && dice.chance(0.5)) {
          push(
            rep,
            visitAt + 2 * HOUR,
            {
              type: "GradeLead",
              occurredAt: iso(visitAt + 2 * HOUR),
              by: "manual",
              grade: "high",
              reason: "考察后明确加盟意向",
              valueTier: dice.pick(["key", "standard"]),
            },
            "grade-manual",
          );
        }
      }
      if (temperature === "hot" && dice.chance(0.75)) {
        const signedAt = workingHours(lastFollowUp + dice.int(3, 30) * DAY, dice);
        push(
          rep,
          signedAt,
          {
            type: "ConvertLead",
            occurredAt: iso(signedAt),
            contractRef: `HT-${new Date(signedAt).getUTCFullYear()}-${String(i).padStart(4, "0")}`,
            dealValue: { amount: amount * dice.int(1, 3), currency: "CNY" },
          },
          "convert",
        );
      }
    }

    if (temperature === "junk" || (temperature === "cold" && dice.chance(0.25))) {
      const flaggedAt = workingHours(lastFollowUp + dice.int(20, 45) * DAY, dice);
      if (
        push(
          rep,
          flaggedAt,
          {
            type: "FlagForPurge",
            occurredAt: iso(flaggedAt),
            reason: temperature === "junk" ? "invalid-data" : "no-intent-long-silence",
          },
          "flag",
        ) &&
        dice.chance(0.5)
      ) {
        const purgedAt = workingHours(flaggedAt + dice.int(3, 10) * DAY, dice);
        push(
          head,
          purgedAt,
          {
            type: "PurgeLead",
            occurredAt: iso(purgedAt),
            recheckNote: "再次核实：电话无法接通",
          },
          "purge",
        );
      }
    } else if (dice.chance(0.05)) {
      const other = reps.find((r) => r.department === rep.department && r.id !== rep.id);
      // After the lead's latest step (a conversion may come well after the last
      // follow-up), so that every earlier command is still the first owner's own.
      const latestStep = commands.reduce((latest, step) => Math.max(latest, step.recordedAt), 0);
      const movedAt = workingHours(latestStep + dice.int(1, 5) * DAY, dice);
      if (other !== undefined) {
        push(
          head,
          movedAt,
          {
            type: "AssignLead",
            occurredAt: iso(movedAt),
            to: { repId: other.id, department: other.department },
            reason: "工作量调整",
          },
          "assign",
        );
      }
    }
    leads.push(commands.sort((a, b) => a.recordedAt - b.recordedAt));
  }
  return leads;
};

/**
 * Records the demo leads through a ledger whose clock reads `clockAt()`: `at` is set to each
 * command's recording time just before it runs, so entry times and "as of" reads look like
 * a real half year. Leads run side by side, each lead's commands in order.
 */
export const seedDemoLeads = async (
  ledger: LeadLedger,
  leads: readonly (readonly DemoCommand[])[],
  runAt: <A>(at: number, work: () => Promise<A>) => Promise<A>,
  concurrency = 32,
): Promise<E.Either<string, { readonly leads: number; readonly commands: number }>> => {
  let next = 0;
  let commands = 0;
  let failure: string | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < leads.length) {
      const lead = leads[next++] ?? [];
      let leadId: string | undefined;
      for (const step of lead) {
        const command = leadId === undefined ? step.command : { ...step.command, leadId };
        const outcome = await runAt(step.recordedAt, () => ledger.execute(step.actor, command));
        if (E.isLeft(outcome)) {
          failure = `${step.command.commandId}: ${outcome.left.code}`;
          return;
        }
        leadId = outcome.right.leadId;
        commands++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failure === undefined ? E.right({ leads: leads.length, commands }) : E.left(failure);
};
