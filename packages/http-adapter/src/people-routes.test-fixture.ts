import {
  createInMemoryEventStore,
  createOrganisation,
  type Identifier,
  type Instant,
  type NonEmptyString,
  type Organisation,
} from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import { ACTORS, NOW } from "./test-app.test-fixture.js";

/** Display names of the test organisation's people, by id. */
export const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  "rep-1": "张伟",
  "rep-2": "李娜",
  "rep-9": "王芳",
  "head-east": "刘洋",
  "head-south": "赵敏",
  "exec-1": "孙总",
};

/**
 * The test organisation (test-app.test-fixture.ts's ACTORS) as an event-sourced organisation
 * over an in-memory store of its own, everyone joined a month before the test clock's now.
 */
export const testOrganisation = async (): Promise<Organisation> => {
  let next = 0;
  const organisation = createOrganisation({
    eventStore: createInMemoryEventStore(),
    newId: () => `00000000-0000-4000-8000-${String(next++).padStart(12, "0")}`,
    clock: () => NOW,
  });
  const at = new Date(NOW - 30 * 86_400_000).toISOString() as Instant;
  for (const actor of Object.values(ACTORS)) {
    const joined = await organisation.join({
      personId: actor.id as Identifier,
      displayName: (DISPLAY_NAMES[actor.id] ?? actor.id) as NonEmptyString,
      role: actor.role,
      department: actor.department as Identifier,
      at,
    });
    if (E.isLeft(joined)) throw new Error(`${actor.id}: ${joined.left.code}`);
  }
  return organisation;
};
