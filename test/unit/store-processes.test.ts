import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { acquireLock } from '../../src-main/store/file-lock';
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

describe('a lock file that cannot be read (emptied by a power cut)', () => {
  it('is waited for within the deadline while fresh, and taken over once older than staleMs', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'x.lock');
      await fs.writeFile(file, '');
      // Fresh: refused at the deadline (it used to be spun on forever), holder unknown.
      expect(await acquireLock(file, { purpose: 'test', waitMs: 100, staleMs: 60_000 })).toEqual({ acquired: false, holder: null });
      // Old: taken over, and held by the taker.
      const old = new Date(Date.now() - 120_000);
      await fs.utimes(file, old, old);
      const got = await acquireLock(file, { purpose: 'test', waitMs: 0, staleMs: 60_000 });
      expect(got.acquired).toBe(true);
      expect(JSON.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ pid: process.pid, purpose: 'test' });
      if (got.acquired) await got.lock.release();
      await expect(fs.stat(file)).rejects.toThrow();
    });
  });
});

describe('what another process wrote', () => {
  it('is seen by an open store without restarting: settings, link table and run history', async () => {
    await withTempDir(async (dir) => {
      const app = await Store.open(dir);
      const appLinks = await app.links('int-1');
      const appRuns = await app.runs('int-1');
      // The "CLI": another Store on the same folder writes to all three files.
      const cli = await Store.open(dir);
      await cli.settings.update((s) => void s.preferences.dismissedNotices.push('from-cli'));
      await (await cli.links('int-1')).update((f) => void f.links.push({ integrationId: 'int-1', sourceId: 's1', targetId: 't1', origin: 'created', linkedAt: '2026-11-23T10:00:00Z', emailAtLink: null }));
      await (await cli.runs('int-1')).update((f) => void f.runs.push({ id: 'run-cli', integrationId: 'int-1', kind: 'apply', trigger: 'cli', via: null, readMode: 'full', lmsRead: null, planMode: null, startedAt: '2026-11-23T10:00:00Z', finishedAt: null, outcome: 'succeeded', planned: null, applied: 1, failed: 0, groupsWritten: 0, heldBack: 0, error: null, auditLog: null }));

      expect((await app.settings.refreshIfChanged()).preferences.dismissedNotices).toContain('from-cli');
      expect((await app.links('int-1')).data.links.map((l) => l.sourceId)).toEqual(['s1']);
      expect((await app.runs('int-1')).data.runs.map((r) => r.id)).toEqual(['run-cli']);
      expect(appLinks).toBe(await app.links('int-1'));
      expect(appRuns.data.runs).toHaveLength(1);
    });
  });
});
