/** --out / --report paths are checked before a command runs, in the admin's words (cli/out-file.ts). */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireOutFile } from '../../src-main/cli/out-file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-out-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('requireOutFile', () => {
  it('takes a new or existing file in a folder that exists, as given', async () => {
    expect(await requireOutFile('out', path.join(dir, 'plan.json'), 'plan.json')).toBe(path.join(dir, 'plan.json'));
    await writeFile(path.join(dir, 'old.json'), '{}');
    expect(await requireOutFile('out', path.join(dir, 'old.json'), 'plan.json')).toBe(path.join(dir, 'old.json'));
    // A name with a trailing space is the admin's to choose: not quietly changed.
    expect(await requireOutFile('out', path.join(dir, 'plan.json '), 'plan.json')).toBe(path.join(dir, 'plan.json '));
  });

  it('refuses a folder, a missing folder and a file used as a folder, saying what to type instead', async () => {
    await mkdir(path.join(dir, 'reports'));
    await expect(requireOutFile('out', path.join(dir, 'reports'), 'plan.json')).rejects.toThrow(`--out needs a file path, not a folder: try ${path.join(dir, 'reports', 'plan.json')}`);
    await expect(requireOutFile('report', path.join(dir, 'nope', 'r.txt'), 'report.txt')).rejects.toThrow(`the folder ${path.join(dir, 'nope')} does not exist`);
    await writeFile(path.join(dir, 'a-file'), 'x');
    await expect(requireOutFile('out', path.join(dir, 'a-file', 'plan.json'), 'plan.json')).rejects.toThrow(/does not exist|is a file, not a folder/);
    await expect(requireOutFile('out', '  ', 'plan.json')).rejects.toThrow('--out needs a file path.');
  });

  it('a file named as a folder (a trailing slash) is said to be a file, not sent to mkdir', async () => {
    await writeFile(path.join(dir, 'plan.json'), '{}');
    await expect(requireOutFile('out', `${path.join(dir, 'plan.json')}/`, 'plan.json')).rejects.toThrow(`${path.join(dir, 'plan.json')} is a file, not a folder, so nothing was written.`);
  });

  it('a folder that does not exist yet (a trailing slash) asks for the mkdir first, not a file in it that would fail again', async () => {
    const missing = `${path.join(dir, 'exports')}/`;
    const refused = await requireOutFile('out', missing, 'plan.json').then(
      () => null,
      (e: unknown) => e as { message: string; fix: string },
    );
    expect(refused?.message).toBe(`--out ${missing} names a folder that does not exist, and a folder is not a file to write. Nothing was written.`);
    expect(refused?.fix).toBe(`Create the folder first (mkdir -p ${path.join(dir, 'exports')}), then name a file in it, for example: --out ${path.join(dir, 'exports', 'plan.json')}`);
  });
});
