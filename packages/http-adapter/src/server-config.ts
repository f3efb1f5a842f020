import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Actor, ActorRecord } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { ApiTokenRecord, hashApiToken, newApiToken } from "./authentication.js";

/**
 * What the standalone server keeps in `<data dir>/config.json` (mode 0600): the ledger's
 * secret and the API tokens, hashed. Created on first start; the tokens are shown once.
 */
export const ServerConfigFile = t.strict(
  {
    version: t.literal(1),
    /** The ledger secret, base64: keyed hashes of phones and e-mails derive from it. */
    secret: t.string,
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

/** Someone who gets a token on first start. */
export interface TokenHolder {
  readonly name: string;
  readonly actor: Actor;
}

const fileOf = (dataDir: string): string => join(dataDir, "config.json");

/** Writes the file whole or not at all: a crash never leaves half a config. */
export const saveServerConfig = (dataDir: string, config: ServerConfigFile): void => {
  const file = fileOf(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
};

/**
 * Reads the config, or creates it with a fresh secret and one token per holder. An
 * unreadable or malformed file is an error: the server must not start with a new secret
 * over an old store.
 */
export const loadOrCreateServerConfig = (
  dataDir: string,
  holders: readonly TokenHolder[],
  now: number,
): E.Either<
  string,
  { readonly config: ServerConfigFile; readonly issued: readonly IssuedToken[] }
> => {
  mkdirSync(dataDir, { recursive: true });
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
  { name: "张伟 (rep, 华东招商部)", actor: actor("rep-zhang-wei", "rep", "east") },
  { name: "李娜 (rep, 华东招商部)", actor: actor("rep-li-na", "rep", "east") },
  { name: "王芳 (rep, 华南招商部)", actor: actor("rep-wang-fang", "rep", "south") },
  { name: "陈杰 (rep, 华南招商部)", actor: actor("rep-chen-jie", "rep", "south") },
  { name: "刘洋 (head, 华东招商部)", actor: actor("head-liu-yang", "head", "east") },
  { name: "赵敏 (head, 华南招商部)", actor: actor("head-zhao-min", "head", "south") },
  { name: "孙总 (executive)", actor: actor("exec-sun", "executive", "hq") },
];

/** Without demo data: one executive to start with. */
export const ADMIN_ONLY: readonly TokenHolder[] = [
  { name: "admin (executive)", actor: actor("admin", "executive", "hq") },
];
