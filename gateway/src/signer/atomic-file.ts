import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Replaces `file` with `bytes` atomically and durably: writes a temporary file beside it (mode
 * 0600, flushed), renames it over `file` (atomic on POSIX file systems), then fsyncs the directory
 * so the rename survives a crash. A reader sees the old content or the new, never a mix.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, bytes, { mode: 0o600, flush: true });
  await rename(temporary, file);
  const directory = await open(dirname(file), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** The bytes of `file`, or undefined when it does not exist. */
export async function readFileIfExists(file: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
