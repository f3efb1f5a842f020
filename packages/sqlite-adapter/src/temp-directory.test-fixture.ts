import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

/**
 * Returns a function that makes a fresh directory under the OS temp dir; every directory
 * made is removed after each test.
 */
export const useTempDirectories = (): (() => string) => {
  const made: string[] = [];
  afterEach(() => {
    for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
  });
  return () => {
    const directory = mkdtempSync(join(tmpdir(), "leadledger-sqlite-"));
    made.push(directory);
    return directory;
  };
};
