// bench/core/capture — in-memory captures through the ledger, one in flight, beside a
// reference measured in the same run: a raw loop doing per capture what no ledger can skip
// (a fresh key, one AES-256-GCM seal of the capture's contact, four SHA-256 digests). The
// machine's speed varies 2.5× from day to day; the ratio is the figure. bench/core/main.ts
// prints it; run alone: tsx --conditions=source core/capture.ts (from bench/). BENCH_CAPTURES
// and BENCH_ROUNDS size it.
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import {
  type Actor,
  createInMemoryEventStore,
  createInMemoryKeyStore,
  createLeadLedger,
} from "@leadledger/core";
import { captureLead } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";

const rep = { id: "rep-1", role: "rep", department: "east" } as Actor;
const NOW = Date.parse("2026-11-20T00:00:00Z");
const CAPTURES = Number(process.env.BENCH_CAPTURES ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Captures and reference runs alternate in blocks this long, so that both meet the same load. */
const BLOCK = 250;

/** A capture of its own: distinct command id, phone and e-mail (no duplicate by rule 9). */
const capture = (round: number, i: number) =>
  captureLead({
    commandId: `capture-${round}-${i}`,
    leadId: undefined,
    acquiredAt: "2026-11-19T01:00:00.000Z",
    contact: {
      ...captureLead().contact,
      phone: `+86 139${String(10_000_000 + round * 1_000_000 + i)}`,
      email: `l${round}-${i}@example.cn`,
    },
  } as never);

/** One round: blocks of captures and of the reference loop in turn, each side's time summed. */
const round = async (round: number): Promise<{ ledger: number; reference: number }> => {
  const ledger = createLeadLedger({
    eventStore: createInMemoryEventStore(),
    keyStore: createInMemoryKeyStore(),
    secret: randomBytes(32),
    clock: () => NOW,
  });
  const commands = Array.from({ length: CAPTURES }, (_, i) => capture(round, i));
  let ledgerNs = 0n;
  let referenceNs = 0n;
  for (let from = 0; from < CAPTURES; from += BLOCK) {
    const block = commands.slice(from, from + BLOCK);
    const started = process.hrtime.bigint();
    for (const command of block) {
      const outcome = await ledger.execute(rep, command);
      if (E.isLeft(outcome)) throw new Error(`refused: ${JSON.stringify(outcome.left)}`);
    }
    const between = process.hrtime.bigint();
    for (const command of block) sealAndHash(command.contact);
    referenceNs += process.hrtime.bigint() - between;
    ledgerNs += between - started;
  }
  return {
    ledger: CAPTURES / (Number(ledgerNs) / 1e9),
    reference: CAPTURES / (Number(referenceNs) / 1e9),
  };
};

/** What no ledger can skip per capture: a fresh key, one AES-256-GCM seal, four SHA-256s. */
const sealAndHash = (contact: unknown): void => {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([
    cipher.update(JSON.stringify(contact), "utf8"),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  for (let event = 0; event < 4; event++) {
    createHash("sha256").update(sealed).update(String(event)).digest();
  }
};

/** One round's figures: captures/s through the ledger and reference runs/s, block by block. */
export interface CaptureRound {
  readonly ledger: number;
  readonly reference: number;
  readonly ratio: number;
}

/** A warm-up round, then `ROUNDS` measured ones. */
export const measureCaptures = async (): Promise<{
  readonly captures: number;
  readonly rounds: readonly CaptureRound[];
  readonly medianRatio: number;
}> => {
  await round(99);
  const rounds: CaptureRound[] = [];
  for (let n = 0; n < ROUNDS; n++) {
    const { ledger, reference } = await round(n);
    rounds.push({ ledger, reference, ratio: ledger / reference });
  }
  const ratios = rounds.map((r) => r.ratio).sort((a, b) => a - b);
  return {
    captures: CAPTURES,
    rounds,
    medianRatio: ratios[Math.floor(ratios.length / 2)] ?? Number.NaN,
  };
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { captures, rounds, medianRatio } = await measureCaptures();
  for (const [n, { ledger, reference, ratio }] of rounds.entries()) {
    console.log(
      `round ${n + 1}: ledger ${Math.round(ledger).toLocaleString("en")} captures/s, reference ${Math.round(reference).toLocaleString("en")}/s = ${ratio.toFixed(3)}×`,
    );
  }
  console.log(
    `captures: median ${medianRatio.toFixed(3)}× the raw seal-and-hash loop (${captures} a round)`,
  );
}
