import { describe, expect, it } from "vitest";
import { runCli } from "./cli-run.test-fixture.js";

// Every command says what it does, its arguments and its exit codes; a mistake in the
// command line is answered in a line or two and exit code 2, never with a stack trace.

const COMMANDS = ["serve", "backup", "verify", "restore", "rebuild", "doctor", "tokens"] as const;
const STACK_FRAME = /^\s+at /m;

describe("leadledger --help", () => {
  it("lists every command and the exit codes", async () => {
    const run = await runCli("--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: leadledger \[options\] \[command\]/);
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(run.stdout).toContain("0 done and nothing wrong, 1 problems found");
    expect(run.stderr).toBe("");
  });

  it.each(COMMANDS)(
    "leadledger %s --help shows its usage, options and exit codes",
    async (command) => {
      const run = await runCli(command, "--help");
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: leadledger ${command} `));
      expect(run.stdout).toContain("--help");
      expect(run.stdout).toMatch(/Exit codes:\n {2}0 {2}.+\n {2}1 {2}.+\n {2}2 {2}usage error/);
      expect(run.stderr).toBe("");
    },
  );

  it("says `leadledger help <command>` too, and the version", async () => {
    expect((await runCli("help", "doctor")).stdout).toMatch(/^Usage: leadledger doctor/);
    const version = await runCli("--version");
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe("mistakes in the command line", () => {
  it.each([
    [["bogus"], /unknown command 'bogus'/],
    [[], /Usage: leadledger/],
    [["verify"], /missing required argument 'dir'/],
    [["restore", "/tmp"], /missing required argument 'data-dir'/],
    [["backup", "/tmp/x", "--frobnicate"], /unknown option '--frobnicate'/],
    [["serve", "--port", "eighty"], /must be a whole number/],
    [["serve", "--synchronous", "sometimes"], /Allowed choices are full, extra, normal/],
    [["verify", "/nonexistent/backup"], /\/nonexistent\/backup does not exist/],
    [
      ["backup", "/tmp/b", "--data-dir", "/nonexistent/data"],
      /data directory \/nonexistent\/data does not exist/,
    ],
    [
      ["restore", "/nonexistent/backup", "/tmp/d"],
      /backup \/nonexistent\/backup is not a directory/,
    ],
    [["rebuild", "--data-dir", "/nonexistent/data"], /does not exist/],
    [["doctor", "--data-dir", "/nonexistent/data"], /does not exist/],
    [["tokens", "issue", "--data-dir", "/tmp"], /required option '--person <id>' not specified/],
    [["tokens", "revoke"], /missing required argument 'tokenId'/],
    [["tokens", "list", "--data-dir", "/nonexistent/data"], /does not exist/],
  ])("leadledger %j exits 2 with a line that says why", async (argv, why) => {
    const run = await runCli(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(why);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stdout).toBe("");
  });
});
