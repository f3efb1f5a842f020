import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServer } from "./server.js";

// The standalone server's data directory, as a local user other than the server's sees it.

const made: string[] = [];
const tempDirectory = (): string => {
  const directory = mkdtempSync(join(tmpdir(), "leadledger-http-data-"));
  made.push(directory);
  return directory;
};

let umaskBefore: number;
beforeEach(() => {
  umaskBefore = process.umask(0o022);
});
afterEach(() => {
  process.umask(umaskBefore);
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** `root` (as ".") and every file and directory under it, with its permission bits. */
const modesUnder = (root: string): Record<string, string> => {
  const modes: Record<string, string> = { ".": modeOf(root) };
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    modes[path.slice(root.length + 1)] = modeOf(path);
  }
  return modes;
};

describe("the server's data directory", () => {
  it("is its owner's alone under the usual umask: directories 0700, files 0600, -wal and -shm too", async () => {
    const root = tempDirectory();
    const dataDir = join(root, "srv", "leadledger");
    const server = await createServer({
      dataDir,
      demoLeads: 5,
      durability: "normal",
      logLevel: false,
    });
    try {
      const files = (name: string) => [name, `${name}-wal`, `${name}-shm`];
      const modes = modesUnder(root);
      // These at least (the -wal and -shm while the server runs), and whatever else is there:
      // every entry its owner's alone.
      for (const path of [
        "srv/leadledger/config.json",
        ...files("srv/leadledger/events.sqlite"),
        ...files("srv/leadledger/keys.sqlite"),
        ...files("srv/leadledger/read-model.sqlite"),
      ]) {
        expect(modes, path).toHaveProperty([path]);
      }
      const wanted = Object.fromEntries(
        Object.keys(modes).map((path) => [
          path,
          statSync(join(root, path)).isDirectory() ? "700" : "600",
        ]),
      );
      expect(modes).toEqual(wanted);
      expect(Object.keys(modes)).toEqual(expect.arrayContaining(["srv", "srv/leadledger"]));
    } finally {
      await server.app.close();
    }
  });
});
