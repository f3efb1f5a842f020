import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Identifier, Instant, NonEmptyString } from "../lead/values.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import type { Person } from "./directory-state.js";
import { directoryAsOf, EMPTY_DIRECTORY, evolveDirectory } from "./directory-state.js";
import type { OrganisationEvent } from "./events.js";
import { createOrganisation, ORGANISATION_STREAM } from "./organisation.js";
import { staticDirectory } from "./static-directory.js";

// Issue 14: the organisation as events, its fold as of any moment, and the Directory port
// in both its implementations (docs/organisation.md).

const id = (text: string) => text as Identifier;
const at = (text: string) => text as Instant;
const MONDAY = at("2026-11-02T09:00:00.000Z");
const TUESDAY = at("2026-11-03T09:00:00.000Z");
const WEDNESDAY = at("2026-11-04T09:00:00.000Z");
const ms = (instant: Instant) => Date.parse(instant);

const joined = (personId: string, role: "rep" | "head" | "executive", department: string) =>
  ({
    type: "PersonJoined",
    data: {
      personId: id(personId),
      displayName: `${personId} 的名字` as NonEmptyString,
      role,
      department: id(department),
      at: MONDAY,
    },
  }) as OrganisationEvent;

const ok = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};

describe("evolveDirectory and directoryAsOf", () => {
  const events: OrganisationEvent[] = [
    joined("rep-1", "rep", "east"),
    { type: "PersonMoved", data: { personId: id("rep-1"), department: id("south"), at: TUESDAY } },
    { type: "PersonLeft", data: { personId: id("rep-1"), at: WEDNESDAY } },
  ];

  it("folds joining, moving and leaving without changing the state given", () => {
    const first = evolveDirectory(EMPTY_DIRECTORY, events[0] as OrganisationEvent);
    const moved = evolveDirectory(first, events[1] as OrganisationEvent);
    expect(first.get("rep-1")?.department).toBe("east");
    expect(moved.get("rep-1")).toMatchObject({ department: "south", active: true });
    expect(EMPTY_DIRECTORY.size).toBe(0);
  });

  it("answers as of any moment: a person who left on Wednesday was active on Tuesday", () => {
    expect(directoryAsOf(events, ms(MONDAY) - 1).get("rep-1")).toBeUndefined();
    expect(directoryAsOf(events, ms(TUESDAY)).get("rep-1")).toMatchObject({
      department: "south",
      active: true,
    });
    expect(directoryAsOf(events, ms(WEDNESDAY)).get("rep-1")?.active).toBe(false);
  });

  it("orders by the moment of effect, not of recording (a back-dated leave)", () => {
    const recordedLate = [events[2], events[0]] as OrganisationEvent[];
    expect(directoryAsOf(recordedLate, ms(WEDNESDAY)).get("rep-1")?.active).toBe(false);
  });
});

describe("the event-sourced organisation", () => {
  const setup = () => {
    const eventStore = createInMemoryEventStore();
    let next = 0;
    const organisation = createOrganisation({
      eventStore,
      newId: () => `00000000-0000-4000-8000-${String(next++).padStart(12, "0")}`,
      clock: () => ms(WEDNESDAY) + 1,
    });
    return { eventStore, organisation };
  };
  const joining = (personId: string, role: "rep" | "head" | "executive", department: string) =>
    joined(personId, role, department).data as Extract<
      OrganisationEvent,
      { type: "PersonJoined" }
    >["data"];

  it("records join, move and leave in the organisation stream and answers as of a moment", async () => {
    const { eventStore, organisation } = setup();
    ok(await organisation.join(joining("rep-1", "rep", "east")));
    ok(await organisation.move(id("rep-1"), id("south"), TUESDAY));
    ok(await organisation.leave(id("rep-1"), WEDNESDAY));
    const stream = ok(await eventStore.readStream(ORGANISATION_STREAM));
    expect(stream.map((event) => event.type)).toEqual([
      "PersonJoined",
      "PersonMoved",
      "PersonLeft",
    ]);
    const owner = { repId: id("rep-1"), department: id("south") };
    expect(ok(await organisation.canOwnLeads(owner, ms(TUESDAY)))).toBe("ok");
    expect(ok(await organisation.canOwnLeads(owner, ms(WEDNESDAY)))).toBe("owner.inactive");
    expect(
      ok(await organisation.canOwnLeads({ ...owner, department: id("east") }, ms(TUESDAY))),
    ).toBe("owner.unknown");
    expect(ok(await organisation.findPerson("rep-1"))?.active).toBe(false);
    expect(ok(await organisation.findPerson("rep-1", ms(MONDAY)))?.department).toBe("east");
  });

  it("lists everyone who had joined by a moment, those who left among them", async () => {
    const { organisation } = setup();
    ok(await organisation.join(joining("rep-1", "rep", "east")));
    ok(await organisation.join({ ...joining("rep-2", "rep", "south"), at: TUESDAY }));
    ok(await organisation.leave(id("rep-1"), WEDNESDAY));
    expect(ok(await organisation.people(ms(MONDAY))).map((p) => p.personId)).toEqual(["rep-1"]);
    expect(ok(await organisation.people())).toEqual([
      expect.objectContaining({ personId: "rep-1", active: false }),
      expect.objectContaining({ personId: "rep-2", department: "south", active: true }),
    ]);
  });

  it("answers every moment right however often the present was asked: a future change waits for its moment", async () => {
    const { organisation } = setup();
    ok(await organisation.join(joining("rep-1", "rep", "east")));
    const owner = { repId: id("rep-1"), department: id("east") };
    expect(ok(await organisation.canOwnLeads(owner, ms(TUESDAY)))).toBe("ok");
    const friday = at("2026-11-06T09:00:00.000Z");
    ok(await organisation.leave(id("rep-1"), friday));
    expect(ok(await organisation.canOwnLeads(owner, ms(TUESDAY)))).toBe("ok");
    expect(ok(await organisation.canOwnLeads(owner, ms(friday) - 1))).toBe("ok");
    expect(ok(await organisation.canOwnLeads(owner, ms(friday)))).toBe("owner.inactive");
    expect(ok(await organisation.canOwnLeads(owner, ms(MONDAY) - 1))).toBe("owner.unknown");
    expect(ok(await organisation.canOwnLeads(owner, ms(TUESDAY)))).toBe("ok");
  });

  it("refuses with stable codes, appending nothing", async () => {
    const { eventStore, organisation } = setup();
    ok(await organisation.join(joining("rep-1", "rep", "east")));
    expect(await organisation.join(joining("rep-1", "rep", "east"))).toEqual(
      E.left({ code: "person.already-active", personId: "rep-1" }),
    );
    expect(await organisation.leave(id("nobody"), TUESDAY)).toEqual(
      E.left({ code: "person.unknown", personId: "nobody" }),
    );
    expect(await organisation.move(id("rep-1"), id("east"), TUESDAY)).toEqual(
      E.left({ code: "person.unchanged", personId: "rep-1" }),
    );
    ok(await organisation.leave(id("rep-1"), TUESDAY));
    expect(await organisation.leave(id("rep-1"), WEDNESDAY)).toEqual(
      E.left({ code: "person.inactive", personId: "rep-1" }),
    );
    expect(ok(await eventStore.readStream(ORGANISATION_STREAM))).toHaveLength(2);
  });

  it("appends with the expected revision: two organisations on one store see each other", async () => {
    const { eventStore, organisation } = setup();
    const other = createOrganisation({ eventStore, newId: () => crypto.randomUUID() });
    ok(await organisation.join(joining("rep-1", "rep", "east")));
    // The other instance has read nothing yet: its append must not pass a stale revision.
    expect(await other.join(joining("rep-1", "rep", "east"))).toEqual(
      E.left({ code: "person.already-active", personId: "rep-1" }),
    );
    const appended = await Promise.all([
      organisation.join(joining("rep-2", "rep", "east")),
      other.join(joining("rep-2", "rep", "east")),
    ]);
    expect(appended.filter(E.isRight)).toHaveLength(1);
    expect(ok(await eventStore.readStream(ORGANISATION_STREAM))).toHaveLength(2);
  });

  it("lets reps and heads own leads of their department, executives none", async () => {
    const { organisation } = setup();
    ok(await organisation.join(joining("head-east", "head", "east")));
    ok(await organisation.join(joining("exec-1", "executive", "hq")));
    const now = ms(TUESDAY);
    expect(
      ok(await organisation.canOwnLeads({ repId: id("head-east"), department: id("east") }, now)),
    ).toBe("ok");
    expect(
      ok(await organisation.canOwnLeads({ repId: id("exec-1"), department: id("hq") }, now)),
    ).toBe("owner.unknown");
  });
});

describe("the static directory", () => {
  const people: Person[] = [
    {
      personId: id("rep-1"),
      displayName: "张伟" as NonEmptyString,
      role: "rep",
      department: id("east"),
      active: true,
    },
    {
      personId: id("rep-9"),
      displayName: "李娜" as NonEmptyString,
      role: "rep",
      department: id("east"),
      active: false,
    },
  ];

  it("answers from the list given", async () => {
    const directory = staticDirectory(people);
    const now = ms(TUESDAY);
    expect(
      ok(await directory.canOwnLeads({ repId: id("rep-1"), department: id("east") }, now)),
    ).toBe("ok");
    expect(
      ok(await directory.canOwnLeads({ repId: id("rep-9"), department: id("east") }, now)),
    ).toBe("owner.inactive");
    expect(
      ok(await directory.canOwnLeads({ repId: id("rep-1"), department: id("west") }, now)),
    ).toBe("owner.unknown");
    expect(ok(await directory.findPerson("rep-1"))?.displayName).toBe("张伟");
    expect(ok(await directory.findPerson("nobody"))).toBeUndefined();
  });

  it("refuses a list that names a person twice", () => {
    expect(() => staticDirectory([...people, people[0] as Person])).toThrow(RangeError);
  });
});

describe("concurrent lookups", () => {
  it("answer alike while another writer's events arrive between them", async () => {
    const eventStore = createInMemoryEventStore();
    let n = 0;
    const newId = () => `00000000-0000-7000-8000-${String(++n).padStart(12, "0")}`;
    const reader = createOrganisation({ eventStore, newId, clock: () => ms(WEDNESDAY) });
    const writer = createOrganisation({ eventStore, newId });
    for (let round = 0; round < 10; round++) {
      ok(
        await writer.join({
          personId: id(`rep-${round}`),
          displayName: `代表 ${round}` as NonEmptyString,
          role: "rep",
          department: id("east"),
          at: MONDAY,
        }),
      );
      // Several lookups read what follows the same revision at once.
      const answers = await Promise.all(Array.from({ length: 5 }, () => reader.people()));
      for (const people of answers) expect(ok(people)).toHaveLength(round + 1);
    }
    ok(await writer.leave(id("rep-3"), TUESDAY));
    const [first, second] = await Promise.all([
      reader.findPerson("rep-3"),
      reader.findPerson("rep-3", ms(MONDAY)),
    ]);
    expect(ok(first)?.active).toBe(false);
    expect(ok(second)?.active).toBe(true);
  });
});
