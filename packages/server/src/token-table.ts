import type { IssuedToken } from "./server-config.js";
import { DEFAULT_TOKEN_DAYS } from "./tokens/token-expiry.js";

const COLUMNS = ["actor", "role", "department", "token", "holder"] as const;

/**
 * The API tokens created on first start as the table printed once: for each token, the
 * actor it acts as (id, role, department), the token itself, and its holder's name. The
 * holder comes last: names may hold characters twice as wide as others (张伟), which would
 * misalign any column after them.
 */
export const tokenTable = (issued: readonly IssuedToken[]): string => {
  const rows = issued.map((token) => [
    token.actor.id,
    token.actor.role,
    token.actor.department,
    token.token,
    token.name,
  ]);
  const widths = COLUMNS.map((heading, column) =>
    Math.max(heading.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    `  ${cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join("  ")}`;
  return [
    `API tokens (shown once; only their SHA-256 is stored, in tokens.sqlite; they expire in ${DEFAULT_TOKEN_DAYS} days, and \`leadledger tokens\` issues, rotates and revokes them):`,
    line(COLUMNS),
    ...rows.map(line),
  ].join("\n");
};
