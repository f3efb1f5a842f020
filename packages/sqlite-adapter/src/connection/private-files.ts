import { chmodSync, closeSync, constants, fchmodSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

// A ledger's files hold every lead's key, the ledger secret and the events: no other local
// user may read them. The modes are set explicitly after creation because the process umask
// only ever removes bits: it could leave a file without its owner's read bit, never make it
// private, and a mode passed to open() or mkdir() is subject to it.

/** The mode of every file the ledger creates: read and write for its owner only. */
export const PRIVATE_FILE_MODE = 0o600;
/** The mode of every directory the ledger creates: its owner only. */
export const PRIVATE_DIRECTORY_MODE = 0o700;

/**
 * Creates `path` and any missing parent as directories only their owner may enter (0700,
 * whatever the umask). Directories that already exist keep their mode: they are the
 * operator's.
 */
export const createPrivateDirectory = (path: string): void => {
  const first = mkdirSync(path, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  if (first === undefined) return;
  for (let directory = path; ; directory = dirname(directory)) {
    chmodSync(directory, PRIVATE_DIRECTORY_MODE);
    if (directory === first || dirname(directory) === directory) return;
  }
};

/**
 * Opens a new file for writing with mode 0600 (whatever the umask), failing if it exists:
 * nothing is ever written to it while anyone else could read it. Returns its descriptor.
 */
export const openNewPrivateFile = (path: string): number => {
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
    PRIVATE_FILE_MODE,
  );
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
};

/**
 * Creates `path` as an empty file with mode 0600 unless it exists; an existing file is left
 * as it is. SQLite then keeps that mode: it gives a database's -wal and -shm files the mode
 * of the database file, and VACUUM INTO writes into an empty file it finds.
 */
export const ensurePrivateFile = (path: string): void => {
  let fd: number;
  try {
    fd = openNewPrivateFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return;
    throw error;
  }
  closeSync(fd);
};
