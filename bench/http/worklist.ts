// The worklist benchmark (issue 14): a rep's and an executive's `GET /leads` over 100,000
// leads — the first page of 50 rows with names, a search by name, a search by phone — with
// autocannon on loopback against the standalone server in a child process.
//
// The data set is laid out once through the real ledger of the standalone server (so that
// the read model and any search index are built the way a server builds them) and kept in
// a directory of the system's temporary directory named after DATA_SET_VERSION; `--rebuild`
// lays it out again. Options: `--rebuild`, `--leads=N` (default 100,000), `--seconds=S` per
// figure (default 8), `--rounds=R` whole matrices (default 3), `--only=TEXT` (cells whose
// label, such as `rep q=name, 8 conn`, contains TEXT), `--cpu-prof` (a CPU profile of the
// server into the working directory), `--build-only`. Prints a table and one JSON line.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createServer } from "@leadledger/server";
import autocannon from "autocannon";
import * as E from "fp-ts/lib/Either.js";
import { BRANDS, CITIES, leadOf, organisationOf, type Person } from "./worklist-data.js";

/** Change it whenever the data set or the way it is laid out changes: a new one is built. */
const DATA_SET_VERSION = "2";

const option = (name: string): string | undefined => {
  const found = process.argv.find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (found === undefined) return undefined;
  return found.includes("=") ? found.slice(found.indexOf("=") + 1) : "";
};
const LEADS = Number(option("leads") ?? 100_000);
const SECONDS = Number(option("seconds") ?? 8);
const ROUNDS = Number(option("rounds") ?? 3);
const WARM_UP_SECONDS = 2;
const ONLY = option("only");
const DEPARTMENTS = 5;
const REPS_PER_DEPARTMENT = 10;
const IN_FLIGHT = 64;
const TARGET_P99_MS = { rep: 50, executive: 100 } as const;

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(tmpdir(), `leadledger-worklist-v${DATA_SET_VERSION}-${LEADS}`);
const markerFile = join(dataDir, "worklist-bench.json");

/** What the benchmark keeps beside a laid-out data set. */
interface DataSet {
  readonly version: string;
  readonly leads: number;
  readonly commands: number;
  readonly seedMs: number;
  /** The first start after the read model was removed: a catch-up over the whole log. */
  readonly coldStartMs: number;
  readonly tokens: { readonly rep: string; readonly executive: string };
  readonly rep: Person;
  /** Phones of leads the rep owns, and of leads anywhere. */
  readonly phones: { readonly rep: readonly string[]; readonly executive: readonly string[] };
}

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** The standalone server in a child process, and how long it took to be ready. */
interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly startMs: number;
  readonly rows: number;
}

const startServer = (cpuProf: boolean): Promise<Started> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, ...(cpuProf ? ["--cpu-prof"] : []), join(here, "worklist-serve.ts")],
      { env: { ...process.env, BENCH_DATA_DIR: dataDir }, stdio: ["ignore", "pipe", "inherit"] },
    );
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", (line) => {
      const ready = JSON.parse(line) as { port: number; startMs: number; rows: number };
      resolve({ child, port: ready.port, startMs: ready.startMs, rows: ready.rows });
    });
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}`)));
  });

const stopServer = (started: Started): Promise<void> =>
  new Promise((resolve) => {
    started.child.removeAllListeners("exit");
    started.child.once("exit", () => resolve());
    started.child.kill("SIGTERM");
  });

/**
 * Lays the data set out through the standalone server's own ledger: the people first (as
 * PersonJoined events), then each lead's capture and follow-ups, IN_FLIGHT leads at a time.
 */
const buildDataSet = async (): Promise<DataSet> => {
  rmSync(dataDir, { recursive: true, force: true });
  const people = organisationOf(DEPARTMENTS, REPS_PER_DEPARTMENT);
  const reps = people.filter((person) => person.role === "rep");
  const rep = reps[0] as Person;
  const anchor = Date.parse("2026-12-01T00:00:00Z");
  console.log(
    `# laying out ${LEADS} leads for ${reps.length} reps in ${DEPARTMENTS} departments into ${dataDir}`,
  );
  const server = await createServer({
    dataDir,
    demo: false,
    rateLimitPerMinute: 0,
    logLevel: false,
  });
  const executiveToken = server.issuedTokens.find((t) => t.actor.role === "executive")?.token;
  if (executiveToken === undefined) throw new Error("no executive token on first start");

  // The server's own organisation (issue 14): the ledger refuses owners it does not know.
  const organisation = server.organisation;
  for (const person of people) {
    const joined = await organisation.join({
      personId: person.id,
      displayName: person.displayName,
      role: person.role,
      department: person.department,
      at: "2025-01-01T00:00:00.000Z",
    } as Parameters<typeof organisation.join>[0]);
    if (E.isLeft(joined)) throw new Error(`${person.id} could not join: ${joined.left.code}`);
  }

  const started = performance.now();
  let next = 0;
  let done = 0;
  let commands = 0;
  let reported = 0;
  const phones = { rep: [] as string[], executive: [] as string[] };
  const worker = async (): Promise<void> => {
    while (next < LEADS) {
      const i = next++;
      const lead = leadOf(i, reps, anchor);
      const actor = { id: lead.owner.id, role: "rep" as const, department: lead.owner.department };
      const captured = await server.ledger.execute(actor, lead.capture);
      if (E.isLeft(captured)) {
        throw new Error(`lead ${i}: ${JSON.stringify(captured.left)}`);
      }
      commands++;
      for (const followUp of lead.followUps) {
        const outcome = await server.ledger.execute(actor, {
          ...followUp,
          leadId: captured.right.leadId,
        });
        if (E.isLeft(outcome)) throw new Error(`lead ${i}: ${JSON.stringify(outcome.left)}`);
        commands++;
      }
      if (lead.owner.id === rep.id && phones.rep.length < 40 && i % 7 === 0) {
        phones.rep.push(lead.phone);
      }
      if (i % 2_477 === 0) phones.executive.push(lead.phone);
      done++;
      if (done * 20 >= (reported + 1) * LEADS) {
        reported = Math.floor((done * 20) / LEADS);
        const seconds = (performance.now() - started) / 1000;
        console.log(
          `# ${String(reported * 5).padStart(3)} %  ${done} leads, ${commands} commands, ${Math.round(done / seconds)} captures/s`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seedMs = performance.now() - started;
  await server.app.close();
  console.log(
    `# seeded ${LEADS} leads (${commands} commands) in ${(seedMs / 1000).toFixed(1)} s: ${Math.round(LEADS / (seedMs / 1000))} captures/s, ${Math.round(commands / (seedMs / 1000))} commands/s`,
  );

  // A token for the rep, stored hashed beside the first start's executive token.
  const repToken = `llk_${randomBytes(32).toString("base64url")}`;
  const configFile = join(dataDir, "config.json");
  const config = JSON.parse(readFileSync(configFile, "utf8")) as { tokens: unknown[] };
  config.tokens.push({
    name: `${rep.displayName} (rep)`,
    actor: { id: rep.id, role: "rep", department: rep.department },
    sha256: sha256(repToken),
  });
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });

  // The catch-up over the whole log, as after `leadledger rebuild` or lost derived files:
  // the read model and the worklist's cards and search index (docs/operations.md, "Files").
  for (const derived of ["read-model.sqlite", "worklist.sqlite"]) {
    for (const suffix of ["", "-wal", "-shm"]) {
      rmSync(join(dataDir, `${derived}${suffix}`), { force: true });
    }
  }
  const cold = await startServer(false);
  await stopServer(cold);
  console.log(
    `# cold start (read model and worklist index rebuilt from the log): ${cold.startMs} ms, ${cold.rows} rows`,
  );

  const dataSet: DataSet = {
    version: DATA_SET_VERSION,
    leads: LEADS,
    commands,
    seedMs: Math.round(seedMs),
    coldStartMs: cold.startMs,
    tokens: { rep: repToken, executive: executiveToken },
    rep,
    phones,
  };
  writeFileSync(markerFile, `${JSON.stringify(dataSet, null, 2)}\n`, { mode: 0o600 });
  return dataSet;
};

const loadDataSet = (): DataSet | undefined => {
  if (option("rebuild") !== undefined || !existsSync(markerFile)) return undefined;
  const dataSet = JSON.parse(readFileSync(markerFile, "utf8")) as DataSet;
  return dataSet.version === DATA_SET_VERSION && dataSet.leads === LEADS ? dataSet : undefined;
};

type Result = autocannon.Result;
const load = (options: autocannon.Options): Promise<Result> =>
  new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

interface Cell {
  readonly label: string;
  readonly who: "rep" | "executive";
  readonly connections: number;
  /** Paths asked in turn. */
  readonly paths: readonly string[];
}

const dataSet = loadDataSet() ?? (await buildDataSet());
if (option("build-only") !== undefined) process.exit(0);

// Name queries: a brand word, a city and a surname, each a fragment real users type.
const NAME_QUERIES = [BRANDS[2], CITIES[1], "王", "餐饮"].map(encodeURIComponent);
const cells: Cell[] = [];
for (const who of ["rep", "executive"] as const) {
  for (const connections of [1, 8]) {
    cells.push(
      { label: `${who} list`, who, connections, paths: ["/leads?limit=50"] },
      {
        label: `${who} q=name`,
        who,
        connections,
        paths: NAME_QUERIES.map((q) => `/leads?limit=50&q=${q}`),
      },
      {
        label: `${who} phone`,
        who,
        connections,
        paths: dataSet.phones[who].map((phone) => `/leads?phone=${encodeURIComponent(phone)}`),
      },
    );
  }
}
const chosen = cells.filter(
  (cell) => ONLY === undefined || `${cell.label}, ${cell.connections} conn`.includes(ONLY),
);

const server = await startServer(option("cpu-prof") !== undefined);
console.log(
  `# worklist over ${dataSet.leads} leads (${dataSet.commands} commands); rep ${dataSet.rep.id} ` +
    `(${dataSet.leads / (DEPARTMENTS * REPS_PER_DEPARTMENT)} leads in scope); server ready in ${server.startMs} ms ` +
    `(${server.rows} rows; cold start ${dataSet.coldStartMs} ms); seeding ${Math.round(dataSet.leads / (dataSet.seedMs / 1000))} captures/s; ` +
    `${SECONDS} s per figure, ${ROUNDS} rounds, Node ${process.version}`,
);
const base = `http://127.0.0.1:${server.port}`;

// Whether each query is answered at all, and what it finds: `total/rows` for each name
// query; for phones, how many found exactly one lead.
const available = new Map<Cell, { readonly ok: boolean; readonly summary: string }>();
for (const cell of chosen) {
  const answers: { path: string; status: number; total: string; rows: number }[] = [];
  for (const path of cell.paths) {
    const response = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${dataSet.tokens[cell.who]}` },
    });
    const body = (await response.json()) as {
      items?: unknown[];
      total?: number;
      totalIsEstimate?: boolean;
      title?: string;
      detail?: string;
    };
    answers.push({
      path: decodeURIComponent(path),
      status: response.status,
      total: response.ok
        ? `${body.totalIsEstimate === true ? "~" : ""}${body.total ?? "?"}`
        : `${body.detail ?? body.title ?? ""}`.slice(0, 100),
      rows: body.items?.length ?? 0,
    });
  }
  const failed = answers.filter((answer) => answer.status !== 200);
  const summary =
    failed.length > 0
      ? `HTTP ${failed[0]?.status} for ${failed.length} of ${answers.length} queries: ${failed[0]?.total}`
      : cell.label.endsWith("phone")
        ? `${answers.filter((a) => a.rows === 1).length} of ${answers.length} phones found one lead`
        : answers
            .map((a) => `${a.path.replace("/leads?limit=50", "")} ${a.total}/${a.rows}`)
            .join(", ");
  available.set(cell, { ok: failed.length === 0, summary });
}

// Which name query costs what: each one alone, one request at a time, after a few to warm.
const perQuery: Record<string, number> = {};
for (const cell of chosen) {
  if (
    !cell.label.endsWith("q=name") ||
    cell.connections !== 1 ||
    available.get(cell)?.ok !== true
  ) {
    continue;
  }
  for (const path of cell.paths) {
    const times: number[] = [];
    for (let n = 0; n < 40; n++) {
      const started = performance.now();
      const response = await fetch(`${base}${path}`, {
        headers: { authorization: `Bearer ${dataSet.tokens[cell.who]}` },
      });
      await response.arrayBuffer();
      if (n >= 10) times.push(performance.now() - started);
    }
    const label = `${cell.who} ${decodeURIComponent(path.slice(path.indexOf("q=")))}`;
    perQuery[label] = Math.round(median(times) * 10) / 10;
  }
}
console.log(
  `# name queries one at a time, median of 30 (ms): ${Object.entries(perQuery)
    .map(([label, ms]) => `${label} ${ms}`)
    .join(", ")}`,
);

const runs = new Map<Cell, Result[]>();
for (let round = 1; round <= ROUNDS; round++) {
  for (const cell of chosen) {
    if (available.get(cell)?.ok !== true) continue;
    let turn = 0;
    const options: autocannon.Options = {
      url: `${base}${cell.paths[0]}`,
      connections: cell.connections,
      headers: { authorization: `Bearer ${dataSet.tokens[cell.who]}` },
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            path: cell.paths[turn++ % cell.paths.length] as string,
          }),
        },
      ],
    };
    await load({ ...options, duration: WARM_UP_SECONDS });
    const result = await load({ ...options, duration: SECONDS });
    runs.set(cell, [...(runs.get(cell) ?? []), result]);
    const failures = result.non2xx + result.errors + result.timeouts;
    console.log(
      `# round ${round} ${`${cell.label}, ${cell.connections} conn`.padEnd(26)} p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  ${Math.round(result.requests.average)} req/s  (load average ${loadavg()[0]?.toFixed(1)})${failures > 0 ? `  ${failures} FAILED` : ""}`,
    );
  }
}
await stopServer(server);

const rows = chosen.map((cell) => {
  const results = runs.get(cell) ?? [];
  if (results.length === 0) {
    return {
      cell: `${cell.label}`,
      connections: cell.connections,
      available: false,
      answers: available.get(cell)?.summary,
    };
  }
  const p99s = results.map((r) => r.latency.p99);
  const p99 = median(p99s);
  const target = TARGET_P99_MS[cell.who];
  return {
    cell: cell.label,
    connections: cell.connections,
    available: true,
    answers: available.get(cell)?.summary,
    p50: median(results.map((r) => r.latency.p50)),
    p99,
    p99Min: Math.min(...p99s),
    p99Max: Math.max(...p99s),
    requestsPerSecond: Math.round(median(results.map((r) => r.requests.average))),
    failures: results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
    target,
    pass: p99 <= target && results.every((r) => r.non2xx + r.errors + r.timeouts === 0),
  };
});

console.log(
  `\n| cell | conn | p50 ms (median) | p99 ms (median; min–max of ${ROUNDS}) | req/s | failures | target p99 | |\n|---|---|---|---|---|---|---|---|`,
);
for (const row of rows) {
  console.log(
    "p99" in row
      ? `| ${row.cell} | ${row.connections} | ${row.p50} | ${row.p99} (${row.p99Min}–${row.p99Max}) | ${row.requestsPerSecond} | ${row.failures} | ≤ ${row.target} | ${row.pass ? "pass" : "**FAIL**"} |`
      : `| ${row.cell} | ${row.connections} | not available (${row.answers}) | | | | | |`,
  );
}
console.log(
  `\n# totals/rows per query: ${chosen
    .filter((cell) => cell.connections === 1)
    .map((cell) => `${cell.label}: ${available.get(cell)?.summary}`)
    .join("; ")}`,
);
console.log(
  JSON.stringify({
    bench: "worklist",
    leads: dataSet.leads,
    node: process.version,
    seedCapturesPerSecond: Math.round(dataSet.leads / (dataSet.seedMs / 1000)),
    coldStartMs: dataSet.coldStartMs,
    startMs: server.startMs,
    seconds: SECONDS,
    rounds: ROUNDS,
    nameQueriesMedianMs: perQuery,
    rows,
  }),
);
