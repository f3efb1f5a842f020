import {
  amendLead,
  assignLead,
  captureLead,
  clearPurgeFlag,
  convertLead,
  flagForPurge,
  gradeLead,
  purgeLead,
  recordContact,
  recordVisit,
} from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { decodeLeadCommand, LEAD_COMMAND_CODECS } from "./commands.js";

const gradeByRule = () => {
  const { grade: _grade, reason: _reason, ...rest } = gradeLead() as Record<string, unknown>;
  return { ...rest, by: "rule" } as ReturnType<typeof gradeLead>;
};

const examples = [
  captureLead(),
  recordContact(),
  recordVisit(),
  gradeLead(),
  gradeByRule(),
  convertLead(),
  assignLead(),
  amendLead(),
  flagForPurge(),
  clearPurgeFlag(),
  purgeLead(),
];

describe("command codecs", () => {
  it("have an example here for every command type", () => {
    const covered = new Set(examples.map((command) => command.type));
    expect([...covered].sort()).toEqual(Object.keys(LEAD_COMMAND_CODECS).sort());
  });

  // Unknown keys would otherwise reach the command's digest (a retry with one more key
  // would be refused as another payload) and the decider.
  it.each(examples.map((command) => [command.type, command] as const))(
    "%s: unknown top-level keys are dropped, known ones kept",
    (_type, command) => {
      const decoded = decodeLeadCommand({ ...command, unknownKey: "dropped", isAdmin: true });
      if (E.isLeft(decoded)) throw new Error(`the example does not decode: ${_type}`);
      expect(decoded.right).toEqual(command);
      expect(Object.hasOwn(decoded.right, "unknownKey")).toBe(false);
    },
  );

  it("a valid command without unknown keys decodes to the very same object", () => {
    const command = recordContact();
    const decoded = decodeLeadCommand(command);
    expect(E.isRight(decoded) && decoded.right).toBe(command);
  });
});
