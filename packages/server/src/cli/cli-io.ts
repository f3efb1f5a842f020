/** A stream a command writes to; a terminal's knows its width. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * Where a command writes: its report and progress to `stdout`, its complaints to `stderr`.
 * Tests pass their own; the `leadledger` binary passes the process's.
 */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}

/** The process's own streams. */
export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr });
