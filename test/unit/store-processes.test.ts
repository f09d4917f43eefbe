import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src-main/store/store';
import { withTempDir } from '../helpers/tmp';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WRITER = path.join(ROOT, 'test/helpers/store-writer.ts');

function runWriter(dir: string, tag: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, tag, String(count)], { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

describe('store shared by two processes', () => {
  it('loses no write when the desktop app and a CLI run update the same file at once', async () => {
    await withTempDir(async (dir) => {
      await Store.open(dir);
      const codes = await Promise.all([runWriter(dir, 'app', 25), runWriter(dir, 'cli', 25)]);
      expect(codes).toEqual([0, 0]);
      const store = await Store.open(dir);
      const ids = store.settings.data.preferences.dismissedNotices;
      expect(ids).toHaveLength(50);
      expect(new Set(ids).size).toBe(50);
      expect(store.notices).toEqual([]);
    });
  });
});

function lockWorker(dir: string, count: number, heartbeatMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/lock-worker.ts'), dir, String(count), String(heartbeatMs)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`lock worker exited with ${code}`))));
  });
}

describe('the lock shared by processes', () => {
  it('is never held by two processes at once, with or without a heartbeat', async () => {
    await withTempDir(async (dir) => {
      const overlaps = await Promise.all([lockWorker(dir, 150, 0), lockWorker(dir, 150, 0), lockWorker(dir, 150, 5), lockWorker(dir, 150, 5)]);
      expect(overlaps).toEqual([0, 0, 0, 0]);
    });
  });
});
