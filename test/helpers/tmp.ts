import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-test-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every file below dir, with its content, for "the secret is nowhere on disk" checks. */
export async function readTree(dir: string): Promise<{ file: string; content: string }[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const out: { file: string; content: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ file, content: await readFile(file, 'latin1') });
  }
  return out;
}
