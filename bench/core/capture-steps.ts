// bench/core/capture-steps — what each step of one capture costs alone, in µs, so that a
// change to the capture path can be aimed at the step that costs. Prints; asserts nothing.
// Run: tsx --conditions=source core/capture-steps.ts (from bench/).
import { createHmac, randomBytes } from "node:crypto";
import { captureLead } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { defaultGradingPolicy } from "../../packages/core/src/grading/default.js";
import { withDefaults } from "../../packages/core/src/lead/command-defaults.js";
import { decodeLeadCommand } from "../../packages/core/src/lead/commands.js";
import { decide } from "../../packages/core/src/lead/decide.js";
import { ActorRecord } from "../../packages/core/src/lead/values.js";
import {
  contactIdentities,
  normaliseEmail,
  normalisePhone,
  reservationStreamName,
} from "../../packages/core/src/ledger/contact-identity.js";
import { commandDigest } from "../../packages/core/src/ledger/idempotency.js";
import { leadIdForCapture } from "../../packages/core/src/ledger/lead-id.js";
import { toStoredEvents } from "../../packages/core/src/ledger/stored-event.js";
import { newTimeOrderedId } from "../../packages/core/src/ledger/time-ordered-id.js";
import { canonicalJson } from "../../packages/core/src/store/canonical-json.js";

const actor = { id: "rep-1", role: "rep", department: "east" } as never;
const NOW = Date.parse("2026-11-20T00:00:00Z");
const key = new Uint8Array(randomBytes(32));
const raw = (i: number) =>
  captureLead({
    commandId: `capture-${i}`,
    leadId: undefined,
    acquiredAt: "2026-11-19T01:00:00.000Z",
    contact: {
      ...captureLead().contact,
      phone: `+86 139${10_000_000 + i}`,
      email: `l${i}@example.cn`,
    },
  } as never);
const N = 20_000;
const raws = Array.from({ length: N }, (_, i) => raw(i));
const commands = raws.map((r) => (decodeLeadCommand(r) as E.Right<never>).right as never);
const defaulted = commands.map(
  (c: { leadId?: string }, i) =>
    (
      withDefaults(
        { ...c, leadId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` } as never,
        "2026-11-20T00:00:00.000Z" as never,
        actor,
      ) as E.Right<never>
    ).right as never,
);
const context = { actor, now: NOW, gradingPolicy: defaultGradingPolicy, clockToleranceMs: 300_000 };
const decided = defaulted.map((c) => {
  const d = decide(c, undefined, context);
  if (E.isLeft(d)) throw new Error(JSON.stringify(d.left));
  return d.right as never;
});
const step = (name: string, run: (i: number) => unknown) => {
  for (let i = 0; i < 2_000; i++) run(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) run(i);
  console.log(
    `${name.padEnd(28)} ${(Number(process.hrtime.bigint() - started) / N / 1e3).toFixed(2)} µs`,
  );
};
for (let round = 0; round < 2; round++) {
  step("decode actor", () => ActorRecord.decode(actor));
  step("decode command", (i) => decodeLeadCommand(raws[i]));
  step("lead id", (i) => leadIdForCapture(key, "rep-1", `capture-${i}`));
  step("defaults", (i) => withDefaults(commands[i], "2026-11-20T00:00:00.000Z" as never, actor));
  step("decide", (i) => decide(defaulted[i], undefined, context));
  step("identities", (i) => contactIdentities((commands[i] as { contact: never }).contact, "CN"));
  step("phone", (i) => normalisePhone(`+86 139${10_000_000 + i}`, "CN"));
  step("email", (i) => normaliseEmail(`l${i}@example.cn`));
  step("reservation names", () =>
    reservationStreamName(key, { kind: "phone", normalised: "+8613900000000" }),
  );
  step("command digest", (i) => commandDigest(key, actor, commands[i]));
  step("stored events", (i) =>
    toStoredEvents(decided[i], {
      key,
      previousHash: "",
      commandDigest: "x",
      chainKey: key,
      newId: newTimeOrderedId,
    }),
  );
  step("canonical command", (i) => canonicalJson({ actor, command: commands[i] } as never));
  step("one HMAC", (i) => createHmac("sha256", key).update(`phone:${i}`).digest("hex"));
}
