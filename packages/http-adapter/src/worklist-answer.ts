import * as t from "io-ts";
import { type JsonSchema, withJsonSchema } from "./json-schema.js";

// What a worklist row adds to the read model's plain facts, as the answers write it: whom
// to call and how, and whose lead it is by name.

/**
 * A codec of its own with its schema: `withJsonSchema` documents the codec object it is
 * given, so a shared one (`t.string`) must not be given.
 */
const documented = <A>(base: t.Type<A>, name: string, schema: JsonSchema): t.Type<A> =>
  withJsonSchema(new t.Type<A>(name, base.is, base.validate, t.identity), schema);

/** How to reach the lead first. */
export const MainContactAnswer = t.type({
  channel: t.keyof({ phone: null, email: null, messaging: null, address: null, fax: null }),
  value: documented(t.string, "MainContactValue", {
    type: "string",
    description: "as it was typed; a messaging handle as `platform: handle`",
    examples: ["+86 138 0013 8000"],
  }),
});

/** The worklist's fields of a row of `GET /leads` or of the follow-ups view. */
export const WorklistFactsAnswer = t.type({
  displayName: t.union([
    documented(t.string, "DisplayName", {
      type: "string",
      description:
        "the company's name for a company lead, the person's for an individual; `null` when it is to be confirmed, purged, or not indexed yet",
      examples: ["上海华东投资有限公司"],
    }),
    t.null,
  ]),
  mainContact: t.union([MainContactAnswer, t.null]),
  ownerName: t.union([
    documented(t.string, "OwnerName", {
      type: "string",
      description: "the owner's display name; `null` when the organisation does not know the owner",
      examples: ["张伟"],
    }),
    t.null,
  ]),
  redacted: documented(t.boolean, "Redacted", {
    type: "boolean",
    description:
      "`true` for a purged lead: its personal data is gone, `displayName` and `mainContact` are `null`",
  }),
});
export type WorklistFactsAnswer = t.TypeOf<typeof WorklistFactsAnswer>;
