import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirectories } from "../temp-directory.test-fixture.js";
import { openSqliteWorklistStore } from "./sqlite-worklist-store.js";
import { summariseWorklistFile } from "./worklist-file-summary.js";

const tempDirectory = useTempDirectories();

describe("a worklist file's summary", () => {
  it("counts the cards and index rows and reads the checkpoint, also before the first commit", async () => {
    const path = join(tempDirectory(), "worklist.sqlite");
    const store = openSqliteWorklistStore({ path });
    expect(summariseWorklistFile(path)).toEqual({ cards: 0, terms: 0, checkpoint: undefined });
    await store.commit({
      entries: [
        { leadId: "a", sealedCard: "box-a", terms: ["t1", "t2"] },
        { leadId: "b", sealedCard: "box-b", terms: ["t2"] },
      ],
      removed: [],
      checkpoint: 12n,
    });
    await store.commit({ entries: [], removed: ["a"], checkpoint: 13n });
    expect(summariseWorklistFile(path)).toEqual({ cards: 1, terms: 1, checkpoint: "13" });
    await store.close();
  });

  it("throws for a file that holds no worklist", () => {
    expect(() => summariseWorklistFile(join(tempDirectory(), "absent.sqlite"))).toThrow();
  });
});
