import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Actor, ActorRecord } from "@leadledger/core";
import { createPrivateDirectory, openNewPrivateFile } from "@leadledger/sqlite-adapter";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { ApiTokenRecord, hashApiToken, newApiToken } from "./api-tokens.js";

/**
 * What the standalone server keeps in `<data dir>/config.json` (mode 0600): the ledger's
 * secret and the API tokens, hashed. Created on first start; the tokens are shown once.
 */
export const ServerConfigFile = t.strict(
  {
    version: t.literal(1),
    /** The ledger secret, base64: keyed hashes of phones and e-mails derive from it. */
    secret: t.string,
    /**
     * API tokens' hashes, as first start writes them: each start moves them into
     * `tokens.sqlite` and leaves this empty (tokens/server-tokens.ts).
     */
    tokens: t.array(ApiTokenRecord),
    /** The moment the demo data is laid out from, so a re-run after a crash repeats it exactly. */
    demoAnchor: t.union([t.number, t.null]),
    demoSeeded: t.boolean,
  },
  "ServerConfigFile",
);
export type ServerConfigFile = t.TypeOf<typeof ServerConfigFile>;

/** A token created on this start, in the clear: print it once, it is stored hashed only. */
export interface IssuedToken {
  readonly name: string;
  readonly actor: Actor;
  readonly token: string;
}

/** Someone who gets a token on first start, and joins the organisation under `displayName`. */
export interface TokenHolder {
  readonly name: string;
  readonly actor: Actor;
  /** The work name the organisation records for them (docs/organisation.md). */
  readonly displayName: string;
}

const fileOf = (dataDir: string): string => join(dataDir, "config.json");

/**
 * Writes the file whole or not at all: a crash never leaves half a config. It is 0600 from
 * its first byte, whatever the umask, since it holds the ledger secret.
 */
export const saveServerConfig = (dataDir: string, config: ServerConfigFile): void => {
  const file = fileOf(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  rmSync(temporary, { force: true }); // left by a crashed process of the same pid
  const fd = openNewPrivateFile(temporary);
  try {
    writeFileSync(fd, `${JSON.stringify(config, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
};

/**
 * Reads the config, or creates it with a fresh secret and one token per holder. An
 * unreadable or malformed file is an error: the server must not start with a new secret
 * over an old store. So is a missing file when `storeHoldsData` (the data directory's
 * events or keys are not empty): that ledger's duplicate detection and suppression list are
 * keyed hashes under its own secret, and a new one would silently disable both.
 */
export const loadOrCreateServerConfig = (
  dataDir: string,
  holders: readonly TokenHolder[],
  now: number,
  storeHoldsData: boolean,
): E.Either<
  string,
  { readonly config: ServerConfigFile; readonly issued: readonly IssuedToken[] }
> => {
  // The data directory holds every lead's key and the secret: its owner's alone.
  createPrivateDirectory(dataDir);
  let text: string | undefined;
  try {
    text = readFileSync(fileOf(dataDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      return E.left(`cannot read ${fileOf(dataDir)}: ${(error as Error).message}`);
    }
  }
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return E.left(`${fileOf(dataDir)} is not JSON`);
    }
    const decoded = ServerConfigFile.decode(json);
    if (E.isLeft(decoded)) return E.left(`${fileOf(dataDir)} is not a leadledger config`);
    return E.right({ config: decoded.right, issued: [] });
  }
  if (storeHoldsData) {
    return E.left(
      `${dataDir} holds a ledger (events or keys) but no config.json: its secret is missing, and ` +
        "with a new one duplicate detection and the suppression list would silently stop working. " +
        "Put back the config.json of this ledger (restoreLedger installs it from the backup); " +
        "a fresh ledger needs an empty data directory.",
    );
  }
  const issued = holders.map((holder) => ({ ...holder, token: newApiToken() }));
  const config: ServerConfigFile = {
    version: 1,
    secret: randomBytes(48).toString("base64"),
    tokens: issued.map(({ name, actor, token }) => ({ name, actor, sha256: hashApiToken(token) })),
    demoAnchor: now,
    demoSeeded: false,
  };
  saveServerConfig(dataDir, config);
  return E.right({ config, issued });
};

const actor = (id: string, role: Actor["role"], department: string): Actor => {
  const decoded = ActorRecord.decode({ id, role, department });
  if (E.isLeft(decoded)) throw new Error(`bad built-in actor ${id}`);
  return decoded.right;
};

/** The demo organisation: two departments with two reps and a head each, and an executive. */
export const DEMO_ORGANISATION: readonly TokenHolder[] = [
  {
    name: "张伟 (rep, 华东招商部)",
    displayName: "张伟",
    actor: actor("rep-zhang-wei", "rep", "east"),
  },
  { name: "李娜 (rep, 华东招商部)", displayName: "李娜", actor: actor("rep-li-na", "rep", "east") },
  {
    name: "王芳 (rep, 华南招商部)",
    displayName: "王芳",
    actor: actor("rep-wang-fang", "rep", "south"),
  },
  {
    name: "陈杰 (rep, 华南招商部)",
    displayName: "陈杰",
    actor: actor("rep-chen-jie", "rep", "south"),
  },
  {
    name: "刘洋 (head, 华东招商部)",
    displayName: "刘洋",
    actor: actor("head-liu-yang", "head", "east"),
  },
  {
    name: "赵敏 (head, 华南招商部)",
    displayName: "赵敏",
    actor: actor("head-zhao-min", "head", "south"),
  },
  { name: "孙总 (executive)", displayName: "孙总", actor: actor("exec-sun", "executive", "hq") },
];

/** Without demo data: one executive to start with. */
export const ADMIN_ONLY: readonly TokenHolder[] = [
  { name: "admin (executive)", displayName: "admin", actor: actor("admin", "executive", "hq") },
];
