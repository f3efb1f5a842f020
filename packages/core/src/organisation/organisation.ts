import * as E from "fp-ts/lib/Either.js";
import { PathReporter } from "io-ts/lib/PathReporter.js";
import type { Identifier, Instant, NonEmptyString, Role } from "../lead/values.js";
import { instantToMillis } from "../lead/values.js";
import type { EventStore, StoreUnavailable } from "../store/event-store.js";
import { NO_STREAM } from "../store/event-store.js";
import type { Directory } from "./directory.js";
import { ownerStandingIn } from "./directory.js";
import type { DirectoryState, Person } from "./directory-state.js";
import { directoryAsOf } from "./directory-state.js";
import { OrganisationEvent } from "./events.js";

/** The stream that holds the organisation's events. */
export const ORGANISATION_STREAM = "organisation";

/** Why an organisation command was refused. `code` is stable (docs/organisation.md). */
export type OrganisationError =
  | { readonly code: "person.already-active"; readonly personId: string }
  | { readonly code: "person.unknown"; readonly personId: string }
  | { readonly code: "person.inactive"; readonly personId: string }
  | { readonly code: "person.unchanged"; readonly personId: string }
  | { readonly code: "concurrency.conflict"; readonly stream: string }
  | StoreUnavailable;

/** A person's joining: who, under which work name, in which role and department, from when. */
export interface Joining {
  /** The person's id: the `repId` of the leads they own, the `id` of their actor. */
  readonly personId: Identifier;
  /** A work name, such as colleagues use (docs/privacy.md). */
  readonly displayName: NonEmptyString;
  /** Reps and heads own leads of their department; executives own none. */
  readonly role: Role;
  readonly department: Identifier;
  /** When the joining takes effect. */
  readonly at: Instant;
}

/** The event-sourced directory, with the commands that change the organisation. */
export interface Organisation extends Directory {
  /**
   * Everyone who had joined by `at` (epoch milliseconds; now when omitted), those who left
   * among them, in the order they first joined.
   */
  people(at?: number): Promise<E.Either<StoreUnavailable, readonly Person[]>>;
  /** A person joins; refused with `person.already-active` for one who is active. */
  join(joining: Joining): Promise<E.Either<OrganisationError, void>>;
  /** A person leaves at `at`; refused for one unknown or gone. */
  leave(personId: Identifier, at: Instant): Promise<E.Either<OrganisationError, void>>;
  /** A person moves to another department at `at`, keeping their role. */
  move(
    personId: Identifier,
    department: Identifier,
    at: Instant,
  ): Promise<E.Either<OrganisationError, void>>;
}

export interface OrganisationDeps {
  /** Any event store: the one the ledger writes to, or another. */
  readonly eventStore: EventStore;
  /** Event ids. */
  readonly newId: () => string;
  /** Now, epoch milliseconds, for `findPerson` without a moment. Defaults to `Date.now`. */
  readonly clock?: () => number;
  /** Attempts at a command that meets concurrent writers. Defaults to 5. */
  readonly maxAttempts?: number;
}

/**
 * The organisation recorded as events in one stream, {@link ORGANISATION_STREAM}, appended
 * with the expected revision so that two writers never both act on a stale view. Commands
 * are checked against the directory as of the command's moment.
 */
export const createOrganisation = (deps: OrganisationDeps): Organisation => {
  const clock = deps.clock ?? Date.now;
  const maxAttempts = deps.maxAttempts ?? 5;
  // The events read so far, and the revision of the last one: later reads fetch only what follows.
  let known: OrganisationEvent[] = [];
  let revision: bigint | undefined;

  const refresh = async (): Promise<E.Either<StoreUnavailable, readonly OrganisationEvent[]>> => {
    const read = await deps.eventStore.readStream(
      ORGANISATION_STREAM,
      revision === undefined ? {} : { from: revision + 1n },
    );
    if (E.isLeft(read)) {
      // A conflict is not a read's failure; anything the port answers here is unavailability.
      return E.left({ code: "store.unavailable", message: describe(read.left) });
    }
    for (const recorded of read.right) {
      // Two lookups at once both read what follows the same revision: the one that resumes
      // second must not add those events again.
      if (revision !== undefined && recorded.revision <= revision) continue;
      const decoded = OrganisationEvent.decode({ type: recorded.type, data: recorded.data });
      // The stream is written only by this module: an event it cannot read is a bug or tampering.
      if (E.isLeft(decoded)) {
        throw new Error(
          `undecodable organisation event: ${PathReporter.report(decoded).join("; ")}`,
        );
      }
      known = [...known, decoded.right];
      revision = recorded.revision;
    }
    return E.right(known);
  };

  // The directory after every event read so far, folded once per new event: the present is
  // asked on every command (its owner) and every list (its owners' names). It answers any
  // moment at or after the last event's effect; an earlier moment is folded on its own.
  let folded: { readonly count: number; readonly from: number; readonly state: DirectoryState } = {
    count: 0,
    from: Number.NEGATIVE_INFINITY,
    state: directoryAsOf([], 0),
  };
  const asOf = async (at: number): Promise<E.Either<StoreUnavailable, DirectoryState>> => {
    const events = await refresh();
    if (E.isLeft(events)) return events;
    if (folded.count !== events.right.length) {
      const effects = events.right.map((event) => instantToMillis(event.data.at as Instant));
      folded = {
        count: events.right.length,
        from: Math.max(...effects),
        state: directoryAsOf(events.right, Number.POSITIVE_INFINITY),
      };
    }
    return E.right(at >= folded.from ? folded.state : directoryAsOf(events.right, at));
  };

  /** Decides against the directory as of `at`, then appends with the revision it was decided on. */
  const record = async (
    at: Instant,
    decision: (state: DirectoryState) => E.Either<OrganisationError, OrganisationEvent>,
  ): Promise<E.Either<OrganisationError, void>> => {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const state = await asOf(instantToMillis(at));
      if (E.isLeft(state)) return state;
      const event = decision(state.right);
      if (E.isLeft(event)) return event;
      const appended = await deps.eventStore.appendToStream(
        ORGANISATION_STREAM,
        [{ id: deps.newId(), type: event.right.type, data: { ...event.right.data }, metadata: {} }],
        { expectedRevision: revision ?? NO_STREAM },
      );
      if (E.isRight(appended)) return E.right(undefined);
      if (appended.left.code !== "concurrency.conflict") return E.left(appended.left);
    }
    return E.left({ code: "concurrency.conflict", stream: ORGANISATION_STREAM });
  };

  return {
    findPerson: async (personId, at) => {
      const state = await asOf(at ?? clock());
      return E.isLeft(state) ? state : E.right(state.right.get(personId));
    },
    people: async (at) => {
      const state = await asOf(at ?? clock());
      return E.isLeft(state) ? state : E.right([...state.right.values()]);
    },
    canOwnLeads: async (owner, at) => {
      const state = await asOf(at);
      return E.isLeft(state) ? state : E.right(ownerStandingIn(state.right, owner));
    },
    join: (joining) =>
      record(joining.at, (state) =>
        state.get(joining.personId)?.active === true
          ? E.left({ code: "person.already-active", personId: joining.personId })
          : E.right({ type: "PersonJoined", data: { ...joining } }),
      ),
    leave: (personId, at) =>
      record(at, (state) => {
        const person = state.get(personId);
        if (person === undefined) return E.left({ code: "person.unknown", personId });
        if (!person.active) return E.left({ code: "person.inactive", personId });
        return E.right({ type: "PersonLeft", data: { personId, at } });
      }),
    move: (personId, department, at) =>
      record(at, (state) => {
        const person = state.get(personId);
        if (person === undefined) return E.left({ code: "person.unknown", personId });
        if (!person.active) return E.left({ code: "person.inactive", personId });
        if (person.department === department) return E.left({ code: "person.unchanged", personId });
        return E.right({ type: "PersonMoved", data: { personId, department, at } });
      }),
  };
};

const describe = (error: { readonly code: string; readonly message?: string }): string =>
  error.message ?? error.code;
