import { readFileSync } from "node:fs";
import * as E from "fp-ts/lib/Either.js";
import { ServerConfigFile } from "../server-config.js";

/**
 * The ledger secret kept in a server's `config.json` (the live one or a backup's copy), or
 * why it could not be read.
 */
export const readLedgerSecret = (configFile: string): E.Either<string, Uint8Array> => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(configFile, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return E.left(`${configFile} does not exist`);
    if (code !== undefined) return E.left(`cannot read ${configFile}: ${(error as Error).message}`);
    return E.left(`${configFile} is not JSON`);
  }
  const decoded = ServerConfigFile.decode(json);
  if (E.isLeft(decoded)) return E.left(`${configFile} is not a leadledger config.json`);
  return E.right(new Uint8Array(Buffer.from(decoded.right.secret, "base64")));
};
