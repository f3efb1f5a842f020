import { it } from "vitest";
import { captureLead, flagForPurge, given, headActor, purgeLead } from "./index.js";

// The first example of docs/testkit.md, as written there: a doc example that stops working
// fails here first.
it("docs/testkit.md: a purge without a re-check note is refused", () => {
  given(
    { actor: headActor, now: "2026-11-20T00:00:00Z" },
    captureLead({ lateEntryReason: "typed in from the fair's sign-up sheets" }),
    flagForPurge(),
  )
    .when(purgeLead({ recheckNote: undefined }))
    .thenFails("purge.recheck-required");
});
