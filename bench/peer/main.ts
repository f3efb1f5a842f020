// bench/peer — leadledger beside emmett 0.42, the event-sourcing library a user would pick
// instead, on the same workload (captures with the testkit's ~20 fields, then contacts) in
// alternating rounds: leadledger, emmett, leadledger, emmett, … Each figure is printed, the
// ratio leadledger/emmett per round and the median of those paired ratios, with every error
// counted per side. What each side does per command differs a lot: see docs/benchmarks.md,
// "Against a peer: emmett". Prints figures; asserts nothing.
// Run: pnpm bench:peer [--rounds 3] [--scale 1] [--cells memory,sqlite] (from bench/).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  type EmmettVariant,
  emmettInMemory,
  emmettOnSqlite,
  emmettSqliteSynchronous,
} from "./emmett-side.js";
import {
  leadledgerInMemory,
  leadledgerOnSqlite,
  type RunSize,
  type SideRun,
} from "./leadledger-side.js";
import type { Figure } from "./workload.js";

const { values: options } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    scale: { type: "string", default: "1" },
    cells: { type: "string", default: "memory,sqlite" },
    "sqlite-seconds": { type: "string", default: "10" },
  },
});
const ROUNDS = Number(options.rounds);
const SCALE = Number(options.scale);
const CELLS = new Set(options.cells.split(","));
const SQLITE_SECONDS = Number(options["sqlite-seconds"]);

const sized = (size: RunSize): RunSize => ({
  ...size,
  captures: Math.max(64, Math.round(size.captures * SCALE)),
  leads: Math.max(64, Math.round(size.leads * SCALE)),
});

const directory = mkdtempSync(
  join(process.env.LEADLEDGER_BENCH_DIR ?? tmpdir(), "leadledger-bench-peer-"),
);

interface Side {
  readonly name: string;
  readonly run: (size: RunSize) => Promise<SideRun>;
}

interface Cell {
  readonly name: string;
  readonly size: RunSize;
  readonly sides: readonly Side[];
}

const emmettMemory = (variant: EmmettVariant): Side => ({
  name: `emmett (${variant} evolve)`,
  run: (size) => emmettInMemory(size, variant),
});
const leadledgerMemory: Side = { name: "leadledger", run: leadledgerInMemory };

const memorySize = { captures: 4_000, leads: 500, contactsPerLead: 40 };
const cells: Cell[] = [];
if (CELLS.has("memory")) {
  for (const inFlight of [1, 64]) {
    cells.push({
      name: `in-memory store, ${inFlight} in flight`,
      size: sized({ ...memorySize, inFlight }),
      sides: [leadledgerMemory, emmettMemory("idiomatic"), emmettMemory("tuned")],
    });
  }
}
if (CELLS.has("sqlite")) {
  cells.push({
    name: "SQLite (synchronous = FULL), 64 in flight",
    size: {
      ...sized({ captures: 2_000, leads: 200, contactsPerLead: 20, inFlight: 64 }),
      seconds: SQLITE_SECONDS,
    },
    sides: [
      { name: "leadledger", run: (size) => leadledgerOnSqlite(size, directory) },
      {
        name: "emmett-sqlite (connection per operation)",
        run: (size) => emmettOnSqlite(size, "per-operation", directory),
      },
      {
        name: "emmett-sqlite (one shared connection)",
        run: (size) => emmettOnSqlite(size, "shared", directory),
      },
    ],
  });
}

const rate = (value: number) => Math.round(value).toLocaleString("en");
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const range = (values: readonly number[], format: (value: number) => string) =>
  `${format(Math.min(...values))}–${format(Math.max(...values))}`;
// A peer that finished almost nothing makes a ratio of thousands: it says "failed", no more.
const ratio = (value: number) => (value > 1_000 ? ">1,000×" : `${value.toFixed(2)}×`);
const errorsText = (errors: Readonly<Record<string, number>>) => {
  const entries = Object.entries(errors);
  return entries.length === 0
    ? "0 errors"
    : entries.map(([code, n]) => `${n} × ${code}`).join(", ");
};
const addErrors = (into: Record<string, number>, errors: Readonly<Record<string, number>>) => {
  for (const [code, n] of Object.entries(errors)) into[code] = (into[code] ?? 0) + n;
};

const commit = (() => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
})();
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

console.log(
  `bench/peer on ${process.version}, nproc ${availableParallelism()}, load ${load()}, commit ${commit}, ${new Date().toISOString()}`,
);
if (CELLS.has("sqlite")) {
  console.log(
    `emmett-sqlite connections get synchronous = ${await emmettSqliteSynchronous(directory)} (2 = FULL)`,
  );
}
console.log(`${ROUNDS} alternating rounds per cell, scale ${SCALE}\n`);

type Kind = "captures" | "contacts";
interface SideResult {
  readonly side: string;
  readonly captures: number[];
  readonly contacts: number[];
  readonly errors: Record<Kind, Record<string, number>>;
}

const summary: unknown[] = [];
try {
  for (const cell of cells) {
    console.log(
      `${cell.name}: ${cell.size.captures} captures, then ${cell.size.leads} leads × ${cell.size.contactsPerLead} contacts`,
    );
    // Warm-up, unmeasured: every side's path has been compiled before the first round.
    const warmUp: RunSize = {
      ...cell.size,
      captures: 200,
      leads: 64,
      contactsPerLead: 5,
      ...(cell.size.seconds === undefined ? {} : { seconds: 2 }),
    };
    for (const side of cell.sides) await side.run(warmUp);
    const results: SideResult[] = cell.sides.map((side) => ({
      side: side.name,
      captures: [],
      contacts: [],
      errors: { captures: {}, contacts: {} },
    }));
    for (let round = 1; round <= ROUNDS; round++) {
      const figures: SideRun[] = [];
      for (const [index, side] of cell.sides.entries()) {
        const figure = await side.run(cell.size);
        figures.push(figure);
        const result = results[index] as SideResult;
        result.captures.push(figure.captures.perSecond);
        result.contacts.push(figure.contacts.perSecond);
        addErrors(result.errors.captures, figure.captures.errors);
        addErrors(result.errors.contacts, figure.contacts.errors);
        const line = (kind: Kind, value: Figure) =>
          `${rate(value.perSecond)} ${kind}/s (${value.done} done, ${errorsText(value.errors)}${value.notStarted > 0 ? `, ${value.notStarted} not started in ${cell.size.seconds} s` : ""})`;
        console.log(
          `  round ${round} ${side.name}: ${line("captures", figure.captures)}; ${line("contacts", figure.contacts)}; load ${load()}`,
        );
      }
      const [own, ...peers] = figures as [SideRun, ...SideRun[]];
      for (const [index, peer] of peers.entries()) {
        console.log(
          `  round ${round} leadledger / ${cell.sides[index + 1]?.name}: captures ${ratio(own.captures.perSecond / peer.captures.perSecond)}, contacts ${ratio(own.contacts.perSecond / peer.contacts.perSecond)}`,
        );
      }
    }
    const [own, ...peers] = results as [SideResult, ...SideResult[]];
    for (const result of results) {
      for (const kind of ["captures", "contacts"] as const) {
        console.log(
          `  ${result.side} ${kind}: median ${rate(median(result[kind]))}/s, range ${range(result[kind], rate)}, ${errorsText(result.errors[kind])}`,
        );
      }
    }
    for (const peer of peers) {
      const ratios = (kind: Kind) =>
        own[kind].map((value, round) => value / (peer[kind][round] as number));
      for (const kind of ["captures", "contacts"] as const) {
        console.log(
          `  ratio leadledger / ${peer.side}, ${kind}: median ${ratio(median(ratios(kind)))} (paired rounds ${range(ratios(kind), ratio)})`,
        );
      }
      summary.push({
        cell: cell.name,
        peer: peer.side,
        leadledger: { captures: own.captures, contacts: own.contacts, errors: own.errors },
        emmett: { captures: peer.captures, contacts: peer.contacts, errors: peer.errors },
        ratio: { captures: median(ratios("captures")), contacts: median(ratios("contacts")) },
      });
    }
    console.log("");
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    bench: "peer",
    node: process.version,
    nproc: availableParallelism(),
    load: loadavg(),
    commit,
    at: new Date().toISOString(),
    rounds: ROUNDS,
    scale: SCALE,
    cells: summary,
  }),
);
