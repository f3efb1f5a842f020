import { type Person, staticDirectory } from "@leadledger/core";
import { afterEach, describe, expect, it } from "vitest";
import { SEARCH_VERIFIED_IN_FULL } from "./lead-search-page.js";
import { type ACTORS, as, captureBody, type TestApp, testApp } from "./test-app.test-fixture.js";

// The rep's worklist (issue 14): names and main contacts in `GET /leads` and the follow-ups
// view, search by name, phone and e-mail within the caller's scope, totals.

const people: Person[] = [
  { personId: "rep-1", displayName: "王小明", role: "rep", department: "east", active: true },
  { personId: "rep-2", displayName: "李四", role: "rep", department: "east", active: true },
] as unknown as Person[];

interface Row {
  leadId: string;
  displayName: string | null;
  mainContact: { channel: string; value: string } | null;
  ownerName: string | null;
  redacted: boolean;
}
interface Page {
  items: Row[];
  nextCursor: string | null;
  total: number;
  totalIsEstimate: boolean;
}

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

let serial = 0;
/** Captures a company lead as the executive; its position, for read-your-writes. */
const capture = async (
  t: TestApp,
  companyName: string,
  contact: { phone?: string; email?: string } = {},
  owner = { repId: "rep-1", department: "east" },
): Promise<{ leadId: string; position: string }> => {
  serial++;
  const body = captureBody({ owner });
  const response = await t.app.inject({
    method: "POST",
    url: "/leads",
    headers: { ...as("executive"), "idempotency-key": `worklist-${serial}` },
    payload: {
      ...body,
      party: { ...(body.party as object), companyName },
      contact: {
        ...(body.contact as object),
        phone: contact.phone ?? `+86 139${String(20_000_000 + serial).slice(-8)}`,
        email: contact.email ?? `worklist${serial}@example.cn`,
      },
    },
  });
  expect(response.statusCode).toBe(201);
  return response.json();
};

const list = async (t: TestApp, query: string, actor: keyof typeof ACTORS = "executive") => {
  const response = await t.app.inject({ url: `/leads?${query}`, headers: as(actor) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Page>();
};
const names = (page: Page) => page.items.map((row) => row.displayName);

describe("GET /leads with names", () => {
  it("gives each row its display name, main contact and owner's name", async () => {
    app = await testApp({ directory: staticDirectory(people) });
    const { position } = await capture(app, "上海华东投资有限公司", { phone: "+86 138-0013-8000" });
    const page = await list(app, `minPosition=${position}`);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      displayName: "上海华东投资有限公司",
      mainContact: { channel: "phone", value: "+86 138-0013-8000" },
      ownerName: "王小明",
      redacted: false,
    });
    expect(page.total).toBe(1);
    expect(page.totalIsEstimate).toBe(false);
  });

  it("carries nulls without a worklist, and answers a search 501 search.unavailable", async () => {
    app = await testApp({ searchIndex: false });
    const { position } = await capture(app, "上海华东投资有限公司");
    const page = await list(app, `minPosition=${position}`);
    expect(page.items[0]).toMatchObject({
      displayName: null,
      mainContact: null,
      ownerName: null,
      redacted: false,
    });
    for (const query of ["q=%E5%8D%8E", "phone=13800138000", "email=a%40example.cn"]) {
      const search = await app.app.inject({ url: `/leads?${query}`, headers: as("executive") });
      expect(search.statusCode).toBe(501);
      expect(search.json().code).toBe("search.unavailable");
    }
  });

  it("shows a purged lead redacted, and finds it no more, at once", async () => {
    app = await testApp();
    const { leadId, position } = await capture(app, "上海华东投资有限公司", {
      phone: "13800138000",
    });
    expect(
      names(await list(app, `q=${encodeURIComponent("华东")}&minPosition=${position}`)),
    ).toEqual(["上海华东投资有限公司"]);
    const flag = await app.app.inject({
      method: "POST",
      url: `/leads/${leadId}/purge-flag`,
      headers: { ...as("head"), "idempotency-key": "flag" },
      payload: { reason: "no-intent-long-silence", occurredAt: "2026-11-19T00:00:00Z" },
    });
    expect(flag.statusCode).toBe(200);
    const purge = await app.app.inject({
      method: "POST",
      url: `/leads/${leadId}/purge`,
      headers: { ...as("head"), "idempotency-key": "purge" },
      payload: { recheckNote: "number no longer in service" },
    });
    expect(purge.statusCode).toBe(200);
    // No minPosition: neither the read model nor the index need have seen the purge.
    expect((await list(app, `q=${encodeURIComponent("华东")}`)).items).toEqual([]);
    expect((await list(app, "phone=13800138000")).total).toBe(0);
    const row = (await list(app, "")).items.find((item) => item.leadId === leadId);
    expect(row).toMatchObject({ displayName: null, mainContact: null, redacted: true });
  });
});

describe("search", () => {
  it("finds Chinese names by a part, a character, or with spaces; phones in any format; e-mail in any case", async () => {
    app = await testApp();
    await capture(app, "上海华东投资有限公司", {
      phone: "+86 138-0013-8000",
      email: "Li.Wei@Example.CN",
    });
    await capture(app, "杭州 西湖 茶饮");
    const { position } = await capture(app, "北京华北贸易");
    const search = async (query: string) =>
      names(await list(app as TestApp, `${query}&minPosition=${position}`)).sort();
    expect(await search(`q=${encodeURIComponent("华东")}`)).toEqual(["上海华东投资有限公司"]);
    expect(await search(`q=${encodeURIComponent("华")}`)).toEqual([
      "上海华东投资有限公司",
      "北京华北贸易",
    ]);
    expect(await search(`q=${encodeURIComponent("西湖茶")}`)).toEqual(["杭州 西湖 茶饮"]);
    expect(await search(`q=${encodeURIComponent("华东贸易")}`)).toEqual([]);
    expect(await search("phone=13800138000")).toEqual(["上海华东投资有限公司"]);
    expect(await search(`phone=${encodeURIComponent("+86 138 0013 8000")}`)).toEqual([
      "上海华东投资有限公司",
    ]);
    expect(await search(`email=${encodeURIComponent("LI.WEI@example.cn")}`)).toEqual([
      "上海华东投资有限公司",
    ]);
  });

  it("refuses unknown parameters and a name of spaces only", async () => {
    app = await testApp();
    for (const query of ["name=x", "search=x", `q=${encodeURIComponent("\u200b")}`, "q=%20%20"]) {
      const response = await app.app.inject({ url: `/leads?${query}`, headers: as("rep") });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().code).toBe("input.invalid");
    }
  });

  it("never finds, counts or names a lead out of the caller's scope", async () => {
    app = await testApp();
    await capture(
      app,
      "华东一号 own",
      { phone: "13800138001" },
      { repId: "rep-1", department: "east" },
    );
    await capture(
      app,
      "华东二号 colleague",
      { phone: "13800138002" },
      { repId: "rep-2", department: "east" },
    );
    const { position } = await capture(
      app,
      "华东三号 south",
      { phone: "13800138003" },
      { repId: "rep-9", department: "south" },
    );
    const seen = async (actor: keyof typeof ACTORS, query: string) => {
      const page = await list(app as TestApp, `${query}&minPosition=${position}`, actor);
      expect(page.total).toBe(page.items.length);
      return names(page).sort();
    };
    const q = `q=${encodeURIComponent("华东")}`;
    expect(await seen("rep", q)).toEqual(["华东一号 own"]);
    expect(await seen("head", q)).toEqual(["华东一号 own", "华东二号 colleague"]);
    expect(await seen("southHead", q)).toEqual(["华东三号 south"]);
    expect(await seen("executive", q)).toHaveLength(3);
    expect(await seen("rep", "phone=13800138002")).toEqual([]);
    expect(await seen("rep", "phone=13800138003")).toEqual([]);
    expect(await seen("head", "phone=13800138002")).toEqual(["华东二号 colleague"]);
    // The plain list names the rep's own leads only, and counts only them.
    expect(await seen("rep", "limit=500")).toEqual(["华东一号 own"]);
  });
});

describe("totals and paging", () => {
  it("counts every lead the query finds, the same on every page, and pages without a gap or a repeat", async () => {
    app = await testApp();
    let position = "0";
    for (let i = 0; i < 7; i++) {
      position = (await capture(app, `华东分公司${i}`)).position;
    }
    await capture(app, "西湖茶饮");
    position = (await capture(app, "北京贸易")).position;
    for (const query of ["", `q=${encodeURIComponent("华东")}`]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await list(
          app,
          `limit=3&minPosition=${position}&${query}${cursor === null ? "" : `&cursor=${cursor}`}`,
        );
        expect(page.total).toBe(query === "" ? 9 : 7);
        expect(page.totalIsEstimate).toBe(false);
        seen.push(...page.items.map((row) => row.leadId));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toHaveLength(query === "" ? 9 : 7);
      expect(new Set(seen).size).toBe(seen.length);
    }
    expect((await list(app, `stage=new&minPosition=${position}`)).total).toBe(9);
    expect((await list(app, `stage=contacted&minPosition=${position}`)).total).toBe(0);
  });

  it("beyond the candidates it checks in full, estimates the total and says so", async () => {
    app = await testApp();
    let position = "0";
    const many = SEARCH_VERIFIED_IN_FULL + 20;
    for (let i = 0; i < many; i++) {
      // Every name holds the bigrams of 华东投 (华东, 东投); one in ten holds 华东投 itself.
      position = (await capture(app, i % 10 === 0 ? `华东投资${i}` : `华东${i}东投`)).position;
    }
    const page = await list(
      app,
      `q=${encodeURIComponent("华东投")}&limit=5&minPosition=${position}`,
    );
    expect(page.items).toHaveLength(5);
    expect(page.items.every((row) => row.displayName?.includes("华东投"))).toBe(true);
    expect(page.totalIsEstimate).toBe(true);
    // The share found among the candidates opened for the page, applied to all of them.
    expect(page.total).toBeGreaterThan(many / 10 / 3);
    expect(page.total).toBeLessThan(many / 2);
    // A name of one or two characters is itself indexed: past the bound its candidates
    // are counted, not estimated.
    const counted = await list(app, `q=${encodeURIComponent("华")}&limit=5`);
    expect(counted.totalIsEstimate).toBe(false);
    expect(counted.total).toBe(many);
    // A query whose candidates are all checked has an exact total.
    const exact = await list(app, `q=${encodeURIComponent("投资")}&limit=5`);
    expect(exact.totalIsEstimate).toBe(false);
    expect(exact.total).toBe(Math.ceil(many / 10));
  }, 120_000);
});

describe("the follow-ups view with names", () => {
  it("names each lead and its owner, for the leads in the caller's scope", async () => {
    app = await testApp({ directory: staticDirectory(people) });
    await capture(app, "上海华东投资有限公司", { phone: "13800138000" });
    const { position } = await capture(
      app,
      "南方公司",
      {},
      { repId: "rep-9", department: "south" },
    );
    const response = await app.app.inject({
      url: `/views/follow-ups?horizonHours=8760&minPosition=${position}`,
      headers: as("rep"),
    });
    expect(response.statusCode).toBe(200);
    const leads = response
      .json<{ owners: { leads: Row[] }[] }>()
      .owners.flatMap((owner) => owner.leads);
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      displayName: "上海华东投资有限公司",
      mainContact: { channel: "phone", value: "13800138000" },
      ownerName: "王小明",
      redacted: false,
    });
  });
});
