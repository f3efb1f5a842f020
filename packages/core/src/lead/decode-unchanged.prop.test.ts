import { arbCaptureLead, arbFollowUpCommand } from "@leadledger/testkit";
import * as fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { describe, expect, it } from "vitest";
import {
  decodeLeadCommand,
  LEAD_COMMAND_CODECS,
  LeadCommand,
  type LeadCommandType,
} from "./commands.js";
import type { LeadId } from "./values.js";

const LEAD = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" as LeadId;
const AT = Date.UTC(2026, 5, 1);

const arbCommand = fc.oneof(
  arbCaptureLead(LEAD, AT, { repId: "rep-1", department: "east" }),
  fc.nat({ max: 1_000 }).chain((index) => arbFollowUpCommand(LEAD, AT + index * 60_000, index)),
);

/** Every object and array inside a value, the value itself first. */
const containersOf = (value: unknown): object[] => {
  if (typeof value !== "object" || value === null) return [];
  return [value, ...Object.values(value).flatMap(containersOf)];
};

/** A change that may or may not leave the command valid, at one place inside it. */
type Change =
  | { readonly kind: "add-key"; readonly key: string; readonly value: unknown }
  | { readonly kind: "drop-key" }
  | { readonly kind: "replace-value"; readonly value: unknown };

const arbChange: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant("add-key" as const),
    key: fc.oneof(fc.constantFrom("junk", "isAdmin", "__proto__x", "tbc", "kind"), fc.string()),
    value: fc.jsonValue(),
  }),
  fc.constant({ kind: "drop-key" as const }),
  fc.record({ kind: fc.constant("replace-value" as const), value: fc.jsonValue() }),
);

const changed = (command: unknown, where: number, change: Change): unknown => {
  const copy = structuredClone(command);
  const containers = containersOf(copy);
  const target = containers[where % containers.length] as Record<string, unknown>;
  const keys = Object.keys(target);
  const key = keys[where % Math.max(1, keys.length)];
  if (change.kind === "add-key") {
    if (Array.isArray(target)) target.push(change.value);
    else target[change.key] = change.value;
  } else if (key !== undefined && change.kind === "drop-key") {
    delete target[key];
  } else if (key !== undefined && change.kind === "replace-value") {
    target[key] = change.value;
  }
  return copy;
};

/** What io-ts itself makes of the input, with the codec decodeLeadCommand picks. */
const ioTsDecode = (input: unknown) => {
  const type = (input as { type?: unknown }).type;
  const codec =
    typeof type === "string" && Object.hasOwn(LEAD_COMMAND_CODECS, type)
      ? (LEAD_COMMAND_CODECS[type as LeadCommandType] as t.Mixed)
      : LeadCommand;
  return codec.decode(input);
};

describe("decodeLeadCommand's shortcut for inputs that need no decoding", () => {
  it("gives back a valid command itself, and the command io-ts would give", () => {
    fc.assert(
      fc.property(arbCommand, (command) => {
        const decoded = decodeLeadCommand(command);
        expect(E.isRight(decoded) && decoded.right).toBe(command);
        expect(decoded).toEqual(ioTsDecode(command));
      }),
      { numRuns: 1_000 },
    );
  });

  it("decodes exactly as io-ts does when a key is added, dropped or changed anywhere", () => {
    fc.assert(
      fc.property(arbCommand, fc.nat(), arbChange, (command, where, change) => {
        const input = changed(command, where, change);
        const decoded = decodeLeadCommand(input);
        const expected = ioTsDecode(input);
        expect(E.isRight(decoded)).toBe(E.isRight(expected));
        if (E.isRight(decoded) && E.isRight(expected)) {
          // Same value, key for key: nothing io-ts strips survives the shortcut.
          expect(JSON.stringify(decoded.right)).toBe(JSON.stringify(expected.right));
          expect(decoded.right).toStrictEqual(expected.right);
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it("strips a key unknown to a nested object, as io-ts does", () => {
    const [command] = fc.sample(arbCaptureLead(LEAD, AT, { repId: "r", department: "d" }), {
      numRuns: 1,
      seed: 3,
    });
    const input = { ...command, owner: { ...command?.owner, isAdmin: true } };
    const decoded = decodeLeadCommand(input);
    expect(
      E.isRight(decoded) && decoded.right.type === "CaptureLead" && decoded.right.owner,
    ).toEqual({ repId: "r", department: "d" });
  });
});
