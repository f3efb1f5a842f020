import type { Identifier, Instant, NonEmptyString, Role } from "../lead/values.js";
import { instantToMillis } from "../lead/values.js";
import type { OrganisationEvent } from "./events.js";

/** A person of the organisation as of some moment. */
export interface Person {
  /** The person's id: the `repId` of the leads they own. */
  readonly personId: Identifier;
  /** A work name, such as colleagues use (docs/privacy.md). */
  readonly displayName: NonEmptyString;
  /** Reps and heads own leads of their department; executives own none. */
  readonly role: Role;
  /** The department the person works in as of the moment asked. */
  readonly department: Identifier;
  /** `false` once the person has left. */
  readonly active: boolean;
}

/** The organisation as of some moment: every person who had joined by then, by id. */
export type DirectoryState = ReadonlyMap<string, Person>;

/** The organisation before anyone joined. */
export const EMPTY_DIRECTORY: DirectoryState = new Map();

/**
 * Folds one organisation event into the directory. Pure: the map given is not changed. An
 * event about a person who has not joined is ignored (the command API never records one).
 */
export const evolveDirectory = (
  state: DirectoryState,
  event: OrganisationEvent,
): DirectoryState => {
  const next = new Map(state);
  switch (event.type) {
    case "PersonJoined": {
      const { personId, displayName, role, department } = event.data;
      next.set(personId, { personId, displayName, role, department, active: true });
      return next;
    }
    case "PersonLeft": {
      const person = state.get(event.data.personId);
      if (person !== undefined) next.set(person.personId, { ...person, active: false });
      return next;
    }
    case "PersonMoved": {
      const person = state.get(event.data.personId);
      if (person !== undefined) {
        next.set(person.personId, { ...person, department: event.data.department });
      }
      return next;
    }
  }
};

/**
 * The directory as of `at` (epoch milliseconds): the events that had taken effect by then,
 * folded in the order of their effect (ties in the order given).
 */
export const directoryAsOf = (events: readonly OrganisationEvent[], at: number): DirectoryState =>
  events
    .map((event, index) => ({ event, index, effective: instantToMillis(event.data.at as Instant) }))
    .filter(({ effective }) => effective <= at)
    .sort((a, b) => a.effective - b.effective || a.index - b.index)
    .reduce((state, { event }) => evolveDirectory(state, event), EMPTY_DIRECTORY);
