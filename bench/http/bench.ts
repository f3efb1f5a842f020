import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ledgerFiles, openSqliteEventStore } from "@leadledger/sqlite-adapter";
import { recordedHistory } from "@leadledger/testkit";
import autocannon from "autocannon";

// The HTTP benchmark (issue: @leadledger/http-adapter): autocannon on 127.0.0.1 against
// the standalone server in a child process, with a Fastify hello-world measured in the same
// run as the reference. Figures are printed one per line.

const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const CAPTURE_CONNECTIONS = 64;
const VIEW_CONNECTIONS = Number(process.env.BENCH_HTTP_VIEW_CONNECTIONS ?? 8);
const VIEW_LEADS = Number(process.env.BENCH_HTTP_LEADS ?? 100_000);

const here = dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(
  join(process.env.LEADLEDGER_BENCH_DIR ?? tmpdir(), "leadledger-bench-http-"),
);

interface Started {
  readonly child: ChildProcess;
  /** The server's JSON lines after the first. */
  readonly later: unknown[];
  readonly port: number;
  readonly token: string;
  readonly startMs: number;
}

const start = (env: Record<string, string>): Promise<Started> =>
  new Promise((resolve, reject) => {
    // BENCH_HTTP_CPU_PROF=<dir>: each leadledger server writes a CPU profile there on exit
    // (summarise with profile-summary.ts).
    const profile =
      process.env.BENCH_HTTP_CPU_PROF !== undefined && env.BENCH_SERVER !== "hello"
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_HTTP_CPU_PROF}`]
        : [];
    const child = spawn(
      process.execPath,
      [...profile, ...process.execArgv, join(here, "serve.ts")],
      {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const later: unknown[] = [];
    lines.once("line", (line) => {
      const ready = JSON.parse(line) as { port: number; token?: string; startMs?: number };
      lines.on("line", (next) => later.push(JSON.parse(next)));
      resolve({
        child,
        later,
        port: ready.port,
        token: ready.token ?? "",
        startMs: ready.startMs ?? 0,
      });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });

/** What a metered server reports when it stops (serve.ts). */
interface ServerReport {
  readonly sqlite: Record<string, { ms: number; calls: number }>;
  readonly cpuMs: number;
}

/** Stops a server; resolves with the last line it printed after the first, if any. */
const stop = (started: Started): Promise<unknown> =>
  new Promise((resolve) => {
    started.child.removeAllListeners("exit");
    started.child.once("exit", () => setImmediate(() => resolve(started.later.at(-1))));
    started.child.kill("SIGTERM");
  });

type Result = autocannon.Result;
const run = (options: autocannon.Options): Promise<Result> =>
  new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });

const line = (label: string, result: Result, extra = ""): void => {
  const non2xx = result.non2xx + result.errors + result.timeouts;
  console.log(
    `${label.padEnd(44)} ${Math.round(result.requests.average).toString().padStart(7)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  (${result.connections} conn, ${result.duration} s${non2xx > 0 ? `, ${non2xx} non-2xx/errors` : ""})${extra}`,
  );
};

let phone = 0;
const captureBody = (): string => {
  phone++;
  return JSON.stringify({
    acquiredAt: new Date(Date.now() - 3_600_000).toISOString(),
    party: {
      kind: "company",
      companyName: `压测公司${phone}`,
      registeredAddress: { tbc: true },
      legalRepresentative: { tbc: true },
      businessScope: "餐饮管理",
      foundedOn: { tbc: true },
      registeredCapital: { tbc: true },
      employees: 12,
      annualRevenue: { tbc: true },
    },
    contact: {
      phone: `+86 139${String(10_000_000 + phone).slice(-8)}`,
      email: `bench${phone}@example.cn`,
      fax: { tbc: true },
      messaging: { tbc: true },
      address: { tbc: true },
    },
    needs: {
      investmentFields: ["catering"],
      investmentAmount: { tbc: true },
      investmentHorizon: { tbc: true },
      businessCategory: "tea drinks",
      site: { area: { tbc: true }, location: { tbc: true }, fitOut: { tbc: true } },
    },
    source: { channel: "exhibition", sourceClass: "own", inquiryMode: "inbound" },
    classification: {
      industry: "catering",
      companySize: "small",
      needType: "general",
      region: "华东",
    },
    owner: { repId: "rep-bench", department: "east" },
  });
};

console.log(`# HTTP benchmark (${DURATION_S} s per figure, loopback, Node ${process.version})`);

const captureLoad = (server: Started): Promise<Result> =>
  run({
    url: `http://127.0.0.1:${server.port}/leads`,
    connections: CAPTURE_CONNECTIONS,
    duration: DURATION_S,
    method: "POST",
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    // Each body a new company with its own phone and e-mail, under its own Idempotency-Key:
    // no capture is a duplicate, an idempotent replay or a reservation conflict.
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, "idempotency-key": randomUUID() },
          body: captureBody(),
        }),
      },
    ],
  });

const failed = (result: Result): number => result.non2xx + result.errors + result.timeouts;

// The capture target as a ratio to a Fastify hello-world measured in the same run: ROUNDS
// alternating rounds, each a fresh hello-world process and then a fresh server on an empty
// data directory, SQLite synchronous=FULL, demo off, captures by a rep with their own token.
// The server counts its time in SQLite calls (sqlite-time.ts) and reports it on exit.
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);
const ratios: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const hello = await start({ BENCH_SERVER: "hello" });
  const reference = await run({
    url: `http://127.0.0.1:${hello.port}/hello`,
    connections: CAPTURE_CONNECTIONS,
    duration: DURATION_S,
  });
  await stop(hello);
  line(`round ${round}: fastify hello-world (reference)`, reference);

  const leadledger = await start({
    BENCH_DATA_DIR: join(root, `capture-${round}`),
    BENCH_REP: "1",
    // BENCH_HTTP_SQLITE_TIME=0 runs the server unmetered, to see what the meter costs.
    BENCH_SQLITE_TIME: process.env.BENCH_HTTP_SQLITE_TIME ?? "1",
  });
  const captured = await captureLoad(leadledger);
  const report = (await stop(leadledger)) as ServerReport | undefined;
  const ratio = captured.requests.average / reference.requests.average;
  ratios.push(ratio);
  const accepted = captured["2xx"];
  let sqlite = "";
  if (report !== undefined && accepted > 0) {
    const files = Object.entries(report.sqlite)
      .filter(([, { ms }]) => ms >= 1)
      .sort((a, b) => b[1].ms - a[1].ms);
    const totalMs = files.reduce((sum, [, { ms }]) => sum + ms, 0);
    const perCapture = (ms: number): string => `${Math.round((ms * 1000) / accepted)} µs`;
    sqlite = `\n${"".padEnd(44)} SQLite ${perCapture(totalMs)} of a capture's ${perCapture(captured.duration * 1000)} = ${((totalMs / (captured.duration * 1000)) * 100).toFixed(0)} % (${files.map(([file, { ms, calls }]) => `${file} ${perCapture(ms)} (${(calls / accepted).toFixed(1)} calls)`).join(", ")}); server CPU ${perCapture(report.cpuMs)} a capture`;
  }
  line(
    `round ${round}: POST /leads (capture, SQLite FULL)`,
    captured,
    `  = ${ratio.toFixed(3)}× hello-world (target ≥ 0.06×); ${failed(captured)} errors/non-2xx${sqlite}`,
  );
}
const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)] ?? 0;
console.log(
  `capture / hello-world, median of ${ROUNDS} rounds: ${median.toFixed(3)}× (${ratios.map((r) => r.toFixed(3)).join(", ")}; target ≥ 0.06×)`,
);
if (process.env.BENCH_HTTP_CAPTURE_ONLY === "1") {
  rmSync(root, { recursive: true, force: true });
  process.exit(0);
}

// The same captures with synchronous=NORMAL, to show what fsync costs.
const normal = await start({
  BENCH_DATA_DIR: join(root, "capture-normal"),
  BENCH_SYNCHRONOUS: "normal",
  BENCH_REP: "1",
});
const capturedNormal = await captureLoad(normal);
await stop(normal);
line("POST /leads (capture, SQLite synchronous=NORMAL)", capturedNormal);

// Views over a generated log of VIEW_LEADS leads, appended to the SQLite store first.
const viewDir = join(root, "views");
// A first start lays out config.json (the ledger's secret): the server refuses a ledger
// whose events were written without one.
// Its executive's token is issued on that start only, and read the views below.
const viewsFounded = await start({ BENCH_DATA_DIR: viewDir });
await stop(viewsFounded);
const seedStarted = Date.now();
{
  mkdirSync(viewDir, { recursive: true });
  const store = openSqliteEventStore({ path: ledgerFiles(viewDir).events, synchronous: "normal" });
  let inFlight: Promise<unknown>[] = [];
  let events = 0;
  for (const event of recordedHistory({ seed: 42, leads: VIEW_LEADS })) {
    inFlight.push(
      store.appendToStream(event.stream, [
        { id: event.id, type: event.type, data: event.data, metadata: event.metadata },
      ]),
    );
    events++;
    if (inFlight.length >= 2_000) {
      await Promise.all(inFlight);
      inFlight = [];
    }
  }
  await Promise.all(inFlight);
  await store.close();
  console.log(`# ${VIEW_LEADS} leads, ${events} events written in ${Date.now() - seedStarted} ms`);
}
const views = await start({ BENCH_DATA_DIR: viewDir });
console.log(`# server caught up with the log in ${views.startMs} ms`);
const headers = { authorization: `Bearer ${viewsFounded.token}` };
let varied = 0;
for (const [label, path] of [
  ["GET /views/pipeline?by=stage,grade", "/views/pipeline?by=stage,grade"],
  ["GET /views/conversion-rate?by=channel", "/views/conversion-rate?by=channel"],
] as const) {
  // Each request its own query: every answer computed over the 100,000 rows. One client
  // shows a view's own latency; several show how distinct queries queue on the one event
  // loop that computes them.
  for (const connections of [...new Set([1, VIEW_CONNECTIONS])]) {
    const computed = await run({
      url: `http://127.0.0.1:${views.port}${path}`,
      connections,
      duration: DURATION_S,
      headers,
      requests: [
        { setupRequest: (request) => ({ ...request, path: `${path}&uncached=${varied++}` }) },
      ],
    });
    line(`${label} (computed)`, computed, "  (target p99 ≤ 100 ms)");
  }
  const kept = await run({
    url: `http://127.0.0.1:${views.port}${path}`,
    connections: VIEW_CONNECTIONS,
    duration: Math.max(2, Math.round(DURATION_S / 2)),
    headers,
  });
  line(`${label} (repeated query)`, kept);
}
// The lead list's first page over the same leads: each page is picked from every row the
// caller may see, so this is its cost with nothing kept between requests.
const listed = await run({
  url: `http://127.0.0.1:${views.port}/leads?limit=50`,
  connections: 1,
  duration: Math.max(2, Math.round(DURATION_S / 2)),
  headers,
  requests: [
    {
      setupRequest: (request) => ({ ...request, path: `/leads?limit=50&stage=new&v=${varied++}` }),
    },
  ],
});
line("GET /leads?limit=50&stage=new", listed);
await stop(views);
rmSync(root, { recursive: true, force: true });
