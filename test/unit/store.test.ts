import { copyFile, mkdir, readFile, rm, stat, writeFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promises as fsPromises } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { IntegrationConfigSchema } from '../../src-main/core/config';
import { Store } from '../../src-main/store/store';
import { JsonStore } from '../../src-main/store/json-store';
import { emptyLinks, parseLinks, parseRuns, type LinksFile } from '../../src-main/store/records';
import { createIntegration } from '../../src-main/store/integrations';
import type { AppInfo } from '../../src-preload/api-types';
import { createHandlerContext } from '../../src-main/app-context';
import { dispatch } from '../../src-main/ipc/dispatch';
import { MemorySecretStore } from '../../src-main/secrets/memory-store';
import { withTempDir } from '../helpers/tmp';

const CONFIG = IntegrationConfigSchema.parse({
  name: 'Contoso',
  source: { kind: 'entra', tenantId: 'contoso.onmicrosoft.com', clientId: '6f1c2a4e-1b2c-4d5e-8f90-1234567890ab' },
  target: { kind: 'scim', baseUrl: 'https://lms.example.com/scim/v2' },
});
const NOW = new Date('2026-11-23T10:00:00Z');
/** A link of integration int-1 to the LMS account `targetId`. */
const linkTo = (targetId: string) => ({ integrationId: 'int-1', sourceId: `entra-${targetId}`, targetId, origin: 'created' as const, linkedAt: NOW.toISOString(), emailAtLink: null });

/** An update whose change throws after it has changed the data (a link added). */
const failHalfway = (links: Awaited<ReturnType<Store['links']>>) =>
  expect(
    links.update((f) => {
      f.links.push(linkTo('lms-1'));
      throw new Error('disk full');
    }),
  ).rejects.toThrow('disk full');

/** The link table of integration int-1 in `dir`, holding one link (to lms-0). */
async function oneLinkTable(dir: string) {
  const links = await (await Store.open(dir)).links('int-1');
  await links.update((f) => void f.links.push(linkTo('lms-0')));
  return links;
}

/** After an update that failed: data still holds the one link, and the next update starts from the file. */
async function expectFailedUpdateForgotten(dir: string, links: Awaited<ReturnType<Store['links']>>) {
  expect(links.data.links.map((l) => l.targetId)).toEqual(['lms-0']);
  await links.update((f) => void f.links.push(linkTo('lms-2')));
  const reopened = await (await Store.open(dir)).links('int-1');
  expect(reopened.data.links.map((l) => l.targetId)).toEqual(['lms-0', 'lms-2']);
}

describe('store', () => {
  it('round-trips integrations, links and runs through the files', async () => {
    await withTempDir(async (dir) => {
      const store = await Store.open(dir);
      const created = await createIntegration(store, CONFIG, NOW);
      const links = await store.links(created.id);
      await links.update((f) => {
        f.links.push({ integrationId: created.id, sourceId: 'entra-1', targetId: 'lms-1', origin: 'created', linkedAt: NOW.toISOString(), emailAtLink: 'anna@contoso.com' });
      });

      const reopened = await Store.open(dir);
      expect(reopened.settings.data.integrations).toEqual([created]);
      expect((await reopened.links(created.id)).data.links).toHaveLength(1);
      expect(reopened.notices).toEqual([]);
    });
  });

  // Every update reads the file under the lock: another writer's change, even one of the same
  // size, is never written over.
  it("keeps another writer's change made since this store last wrote, even one of the same size", async () => {
    await withTempDir(async (dir) => {
      const app = await (await Store.open(dir)).links('int-1');
      await app.update((f) => void f.links.push(linkTo('lms-1')));
      // The CLI (another process: its own store) rewrites the one link to one of the same length.
      const cli = await (await Store.open(dir)).links('int-1');
      await cli.update((f) => void (f.links = [linkTo('lms-2')]));
      await app.update((f) => void f.links.push(linkTo('lms-3')));
      const reopened = await (await Store.open(dir)).links('int-1');
      expect(reopened.data.links.map((l) => l.targetId)).toEqual(['lms-2', 'lms-3']);
    });
  });

  it('forgets a change that failed halfway: data stays as it was and the next update starts from the file', async () => {
    await withTempDir(async (dir) => {
      const links = await oneLinkTable(dir);
      await failHalfway(links);
      await expectFailedUpdateForgotten(dir, links);
    });
  });

  it('writes a settings file deleted while the app runs back from memory, losing nothing', async () => {
    await withTempDir(async (dir) => {
      const store = await Store.open(dir);
      const created = await createIntegration(store, CONFIG, NOW);
      await rm(path.join(dir, 'settings.json'));
      await store.settings.update((s) => void (s.preferences.minimiseToTray = !s.preferences.minimiseToTray));
      const reopened = await Store.open(dir);
      expect(reopened.settings.data.integrations.map((i) => i.id)).toEqual([created.id]);
    });
  });

  // With the file gone there is nothing to re-read: the change starts from what is in memory,
  // and must not leave half of itself there for the next update to write.
  it('forgets a change that failed halfway on a deleted file, and keeps what was read before it unchanged', async () => {
    await withTempDir(async (dir) => {
      const links = await oneLinkTable(dir);
      const readBefore = links.data;
      await rm(links.file);
      await failHalfway(links);
      await expectFailedUpdateForgotten(dir, links);
      expect(readBefore.links.map((l) => l.targetId)).toEqual(['lms-0']);
    });
  });

  it('forgets a change whose write failed: data stays as it was and the next update starts from the file', async () => {
    await withTempDir(async (dir) => {
      const links = await oneLinkTable(dir);
      // The disk fills up as the new file is moved into place.
      const rename = vi.spyOn(fsPromises, 'rename').mockRejectedValueOnce(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
      try {
        await expect(links.update((f) => void f.links.push(linkTo('lms-1')))).rejects.toMatchObject({ error: { code: 'DISK_WRITE_FAILED', message: expect.stringContaining('the disk is full') as unknown } });
      } finally {
        rename.mockRestore();
      }
      await expectFailedUpdateForgotten(dir, links);
    });
  });

  // A run holds its integration record from its start and compares it with the stored one
  // before saving what it learnt: an update must not change objects read before it.
  it('gives each update fresh objects: what was read before it is not changed under its reader', async () => {
    await withTempDir(async (dir) => {
      const store = await Store.open(dir);
      const created = await createIntegration(store, CONFIG, NOW);
      const before = store.settings.data.integrations.find((i) => i.id === created.id);
      const readAt = before?.updatedAt;
      await store.settings.update((s) => {
        const r = s.integrations.find((i) => i.id === created.id);
        if (r) r.updatedAt = '2030-01-01T00:00:00.000Z';
      });
      expect(readAt).toBeDefined();
      expect(before?.updatedAt).toBe(readAt);
      expect(store.settings.data.integrations.find((i) => i.id === created.id)?.updatedAt).toBe('2030-01-01T00:00:00.000Z');
    });
  });

  // replace() is how an apply writes its batches of links: it must keep what update() keeps.
  describe('replace, a change made as a new value', () => {
    /** A link table whose file reads are counted (another process's writes are the only reason to read). */
    const countedLinks = (file: string) => {
      let reads = 0;
      const store = new JsonStore<LinksFile>({ file, label: 'link table', empty: emptyLinks, parse: (raw) => (reads++, parseLinks(raw)), onNotice: () => undefined, compact: true });
      return { store, reads: () => reads };
    };
    const addLink = (targetId: string) => (f: Readonly<LinksFile>): LinksFile => ({ ...f, links: [...f.links, linkTo(targetId)] });

    it('reads the file back only when another process wrote it since, and then keeps that write', async () => {
      await withTempDir(async (dir) => {
        // Where the Store keeps integration int-1's link table (it makes the folder).
        const file = (await (await Store.open(dir)).links('int-1')).file;
        const app = countedLinks(file);
        await app.store.load();
        await app.store.replace(addLink('lms-1'));
        await app.store.replace(addLink('lms-2'));
        expect(app.reads()).toBe(0);
        // The CLI rewrites the table with one of the same size.
        const cli = countedLinks(file);
        await cli.store.load();
        await cli.store.replace((f) => ({ ...f, links: [linkTo('lms-3'), linkTo('lms-2')] }));
        await app.store.replace(addLink('lms-4'));
        expect(app.reads()).toBe(1);
        const reopened = await (await Store.open(dir)).links('int-1');
        expect(reopened.data.links.map((l) => l.targetId)).toEqual(['lms-3', 'lms-2', 'lms-4']);
      });
    });

    it('forgets a change whose write failed, and one that threw: the next starts from the file', async () => {
      await withTempDir(async (dir) => {
        const links = await oneLinkTable(dir);
        const readBefore = links.data;
        await expect(
          links.replace(() => {
            throw new Error('bad batch');
          }),
        ).rejects.toThrow('bad batch');
        const rename = vi.spyOn(fsPromises, 'rename').mockRejectedValueOnce(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
        try {
          await expect(links.replace(addLink('lms-1'))).rejects.toMatchObject({ error: { code: 'DISK_WRITE_FAILED' } });
        } finally {
          rename.mockRestore();
        }
        expect(readBefore.links.map((l) => l.targetId)).toEqual(['lms-0']);
        await expectFailedUpdateForgotten(dir, links);
      });
    });

    it('writes a link table deleted meanwhile back from memory, with the change', async () => {
      await withTempDir(async (dir) => {
        const links = await oneLinkTable(dir);
        await rm(links.file);
        await links.replace(addLink('lms-1'));
        const reopened = await (await Store.open(dir)).links('int-1');
        expect(reopened.data.links.map((l) => l.targetId)).toEqual(['lms-0', 'lms-1']);
      });
    });
  });

  // An apply rewrites the link table after every batch of links: at 100k links the indented
  // text took half as long again to write and read. The settings stay readable by hand.
  it('writes the link table on one line and the settings indented', async () => {
    await withTempDir(async (dir) => {
      const store = await Store.open(dir);
      await createIntegration(store, CONFIG, NOW);
      const links = await store.links('int-1');
      await links.update((f) => void f.links.push(linkTo('lms-1'), linkTo('lms-2')));
      expect((await readFile(links.file, 'utf8')).trimEnd().split('\n')).toHaveLength(1);
      expect(JSON.parse(await readFile(`${links.file}.last-good`, 'utf8'))).toEqual(links.data);
      expect((await readFile(path.join(dir, 'settings.json'), 'utf8')).split('\n').length).toBeGreaterThan(10);
    });
  });

  it('writes owner-only files and keeps a last-good copy', async () => {
    await withTempDir(async (dir) => {
      const store = await Store.open(dir);
      await createIntegration(store, CONFIG, NOW);
      const file = path.join(dir, 'settings.json');
      if (process.platform !== 'win32') {
        expect((await stat(file)).mode & 0o777).toBe(0o600);
        expect((await stat(dir)).mode & 0o777).toBe(0o700);
      }
      expect(await readFile(`${file}.last-good`, 'utf8')).toBe(await readFile(file, 'utf8'));
      // No temporary files left behind by the atomic writes.
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  });

  it('upgrades a version 1 settings file, keeping the old file and telling the admin', async () => {
    await withTempDir(async (dir) => {
      await copyFile(new URL('../fixtures/settings-v1.json', import.meta.url), path.join(dir, 'settings.json'));
      const store = await Store.open(dir);
      const [legacy1, legacy2] = store.settings.data.integrations;
      expect(store.settings.data.schemaVersion).toBe(2);
      expect(legacy1?.id).toBe('int-legacy1');
      expect(legacy1?.config.source.tenantId).toBe('contoso.onmicrosoft.com');
      expect(legacy1?.config.target.baseUrl).toBe('https://lms.example.com/scim/v2');
      expect(legacy1?.status).toBe('active');
      expect(legacy1?.enabled).toBe(true);
      expect(legacy1?.createdAt).toBe('2026-01-15T09:30:00.000Z');
      expect(legacy2?.status).toBe('disabled');
      expect(store.notices.map((n) => n.id)).toEqual(['settings-migrated']);
      expect(JSON.parse(await readFile(path.join(dir, 'settings.json.v1-before-upgrade'), 'utf8')).version).toBe(1);
      // The upgraded file is what is on disk now: a second open migrates nothing.
      expect((await Store.open(dir)).notices).toEqual([]);
    });
  });

  for (const [what, damage] of [
    ['truncated', (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ['empty', () => ''],
    ['not JSON', () => '\u0000\u0001garbage'],
    ['the wrong shape', () => JSON.stringify({ schemaVersion: 2, integrations: 'nope' })],
  ] as const) {
    it(`restores the last good copy when the settings file is ${what}, keeping the damaged file`, async () => {
      await withTempDir(async (dir) => {
        const store = await Store.open(dir);
        const created = await createIntegration(store, CONFIG, NOW);
        const file = path.join(dir, 'settings.json');
        await writeFile(file, damage(await readFile(file, 'utf8')));

        const reopened = await Store.open(dir);
        expect(reopened.settings.data.integrations).toEqual([created]);
        expect(reopened.notices).toHaveLength(1);
        expect(reopened.notices[0]?.id).toBe('settings-restored');
        expect(reopened.notices[0]?.level).toBe('warning');
        const damaged = (await readdir(dir)).filter((f) => f.startsWith('settings.json.damaged-'));
        expect(damaged).toHaveLength(1);
        expect(reopened.notices[0]?.fix).toContain(damaged[0]);
        // And the restored file is healthy again.
        expect(JSON.parse(await readFile(file, 'utf8')).integrations).toHaveLength(1);
      });
    });
  }

  it('starts empty with a warning when the file is damaged and no good copy exists', async () => {
    await withTempDir(async (dir) => {
      await writeFile(path.join(dir, 'settings.json'), '{"schemaVersion": 2, "integr');
      const store = await Store.open(dir);
      expect(store.settings.data.integrations).toEqual([]);
      expect(store.notices.map((n) => n.id)).toEqual(['settings-reset']);
    });
  });

  it('refuses integration ids that could leave the data directory', async () => {
    await withTempDir(async (dir) => {
      const store = await Store.open(dir);
      await expect(store.links('../../etc/passwd')).rejects.toThrow(/Not an integration id/);
    });
  });
});

// The desktop app and a scheduled CLI share the data folder: one may be newer than the other.
describe('files written by a newer Rollcall', () => {
  it('a newer settings file is refused with what to do, and neither it nor its last good copy is touched', async () => {
    await withTempDir(async (dir) => {
      const store = await Store.open(dir);
      await createIntegration(store, CONFIG, NOW);
      const file = path.join(dir, 'settings.json');
      const newer = JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), schemaVersion: 99 });
      await writeFile(file, newer);
      await writeFile(`${file}.last-good`, newer);
      await expect(Store.open(dir)).rejects.toMatchObject({
        error: { code: 'DATA_FROM_NEWER_ROLLCALL', message: expect.stringContaining('written by a newer version of Rollcall (format version 99') as unknown, fix: expect.stringContaining('Update Rollcall') as unknown },
      });
      expect(await readFile(file, 'utf8')).toBe(newer);
      expect(await readFile(`${file}.last-good`, 'utf8')).toBe(newer);
      expect((await readdir(dir)).filter((f) => f.includes('damaged'))).toEqual([]);
    });
  });

  it('a run a newer release started in a way this one does not know reads as manual, not as a damaged history', () => {
    const run = { id: 'r1', integrationId: 'int-1', kind: 'dry-run', trigger: 'webhook', via: 'something-new', readMode: null, startedAt: NOW.toISOString(), finishedAt: null, outcome: 'succeeded', planned: null, error: null, auditLog: null };
    const parsed = parseRuns({ schemaVersion: 1, runs: [run] });
    expect(parsed).toMatchObject({ ok: true, data: { runs: [{ id: 'r1', trigger: 'manual', via: null }] } });
  });

  it('a newer link table does not stop the app: it is reported, left as it is, and runs cannot write over it', async () => {
    await withTempDir(async (dir) => {
      const store = await Store.open(dir);
      const created = await createIntegration(store, CONFIG, NOW);
      const links = await store.links(created.id);
      await links.update((f) => void f.links.push(linkTo('lms-1')));
      const newer = JSON.stringify({ schemaVersion: 7, links: [], somethingNew: true });
      await writeFile(links.file, newer);
      const reopened = await Store.open(dir);
      await reopened.loadAll();
      expect(reopened.notices).toMatchObject([{ id: 'link table-unreadable', message: expect.stringContaining('format version 7') as unknown }]);
      await expect(reopened.links(created.id)).rejects.toMatchObject({ error: { code: 'DATA_FROM_NEWER_ROLLCALL' } });
      expect(await readFile(links.file, 'utf8')).toBe(newer);
    });
  });
});

describe('app start', () => {
  it('finds a damaged link table when the app starts, restores it and tells the admin', async () => {
    await withTempDir(async (dir) => {
      const store = await Store.open(dir);
      const created = await createIntegration(store, CONFIG, NOW);
      const links = await store.links(created.id);
      const link = { integrationId: created.id, sourceId: 's-1', targetId: 't-1', linkedAt: NOW.toISOString(), origin: 'created' as const, emailAtLink: null };
      await links.update((f) => void f.links.push(link));
      await links.update((f) => void f.links.push({ ...link, sourceId: 's-2', targetId: 't-2' }));
      const file = path.join(dir, 'integrations', `${created.id}.links.json`);
      await writeFile(file, (await readFile(file, 'utf8')).slice(0, 30));

      const ctx = await createHandlerContext({ dataDir: dir, runtime: 'preview', secrets: new MemorySecretStore() });
      const info = await dispatch('getAppInfo', undefined, ctx);
      expect(info.ok).toBe(true);
      const notices = info.ok ? (info.value as AppInfo).notices : [];
      expect(notices.map((n) => n.id.split('@')[0])).toEqual(['link table-restored']);
      expect(notices[0]?.level).toBe('warning');
      // The last good copy (written after every change) is what the next run starts from.
      expect((await ctx.store.links(created.id)).data.links.map((l) => l.sourceId)).toEqual(['s-1', 's-2']);
    });
  });

  it('a link table the OS will not read does not stop the app: it starts and says so', async () => {
    await withTempDir(async (dir) => {
      const store = await Store.open(dir);
      const created = await createIntegration(store, CONFIG, NOW);
      // A folder where the file should be: reading it fails with EISDIR, as a permissions problem would.
      await mkdir(path.join(dir, 'integrations', `${created.id}.links.json`));
      const ctx = await createHandlerContext({ dataDir: dir, runtime: 'preview', secrets: new MemorySecretStore() });
      const info = await dispatch('getAppInfo', undefined, ctx);
      const notices = info.ok ? (info.value as AppInfo).notices : [];
      expect(notices.map((n) => n.id.split('@')[0])).toEqual(['link table-unreadable']);
      expect(notices[0]?.fix).toMatch(/permissions/);
    });
  });
});
