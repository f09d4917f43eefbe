/**
 * A file path given to --out (or --report) is checked before the command does anything: a folder,
 * or a file in a folder that does not exist, is bad usage (exit 2) said in the admin's words, and
 * no dry run is made only to fail at the end. A write the OS refuses later (no permission, a full
 * disk) is still reported where it happens.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './context';

async function kindOf(p: string): Promise<'file' | 'folder' | 'missing' | 'unknown'> {
  try {
    return (await stat(p)).isDirectory() ? 'folder' : 'file';
  } catch (err) {
    // ENOENT, or ENOTDIR (a file where a folder of the path should be): there is nothing there.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return 'missing';
    // Anything else (no permission to look) is left to the write, which says what the OS said.
    return 'unknown';
  }
}

/** Throws a UsageError when `value` cannot be the file the flag writes; returns the path. */
export async function requireOutFile(flag: string, value: string, exampleName: string): Promise<string> {
  const file = value;
  if (file.trim() === '') throw new UsageError(`--${flag} needs a file path.`, `For example: --${flag} ${exampleName}`);
  const kind = await kindOf(file);
  if (kind === 'folder' || /[/\\]$/.test(file)) {
    const suggestion = path.join(file, exampleName);
    // "FILE/" where FILE is a file: neither a folder to write in nor one to make.
    const bare = file.replace(/[/\\]+$/, '');
    if (kind !== 'folder' && bare !== '' && (await kindOf(bare)) === 'file') throw new UsageError(`--${flag} ${file}: ${bare} is a file, not a folder, so nothing was written.`, `Name the file itself (--${flag} ${bare}, which replaces it) or a file in a folder, for example: --${flag} ${path.join(path.dirname(path.resolve(bare)), exampleName)}`);
    // A folder that is not there yet: the file in it would fail too, so the mkdir comes first.
    if (kind === 'missing') throw new UsageError(`--${flag} ${file} names a folder that does not exist, and a folder is not a file to write. Nothing was written.`, `Create the folder first (mkdir -p ${path.resolve(file)}), then name a file in it, for example: --${flag} ${suggestion}`);
    throw new UsageError(`--${flag} needs a file path, not a folder: try ${suggestion}. Nothing was written.`, `Name the file to write inside the folder, for example: --${flag} ${suggestion}`);
  }
  const parent = path.dirname(path.resolve(file));
  const parentKind = await kindOf(parent);
  if (parentKind === 'missing') throw new UsageError(`--${flag} ${file}: the folder ${parent} does not exist, so nothing was written.`, `Create the folder first (mkdir -p ${parent}), or name a file in a folder that exists.`);
  if (parentKind === 'file') throw new UsageError(`--${flag} ${file}: ${parent} is a file, not a folder, so nothing was written.`, `Name a file in a folder, for example: --${flag} ${path.join(path.dirname(parent), exampleName)}`);
  return file;
}
