import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppErrorException } from '../core/errors';
import { ensurePrivateDir } from './atomic-file';
import { JsonStore, type JsonStoreOptions, type ParseResult, type StoreNotice } from './json-store';
import { emptyDepartments, emptyLinks, emptyRuns, parseDepartments, parseLinks, parseRuns, type DepartmentsFile, type LinksFile, type RunsFile } from './records';
import { emptySettings, parseSettings, type Settings } from './settings';

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Everything Rollcall keeps on disk, in one data directory (never a secret: those are in the
 * OS keychain). Opened once per process by the desktop app, the preview and the CLI.
 */
export class Store {
  readonly settings: JsonStore<Settings>;
  private readonly linkStores = new Map<string, JsonStore<LinksFile>>();
  private readonly runStores = new Map<string, JsonStore<RunsFile>>();
  private readonly departmentStores = new Map<string, JsonStore<DepartmentsFile>>();
  private readonly noticeList: StoreNotice[] = [];
  /** Where every file's notices go; a problem that has gone (a backup copy written again) takes its notice with it. */
  private readonly noticeSink: Pick<JsonStoreOptions<unknown>, 'onNotice' | 'onNoticeResolved'> = {
    onNotice: (n) => this.noticeList.push(n),
    onNoticeResolved: (id, file) => {
      const i = this.noticeList.findIndex((n) => n.id === id && n.file === file);
      if (i >= 0) this.noticeList.splice(i, 1);
    },
  };

  private constructor(readonly dataDir: string) {
    this.settings = new JsonStore<Settings>({
      file: path.join(dataDir, 'settings.json'),
      label: 'settings',
      empty: emptySettings,
      parse: parseSettings,
      ...this.noticeSink,
    });
  }

  static async open(dataDir: string): Promise<Store> {
    const dir = path.resolve(dataDir);
    await ensurePrivateDir(dir);
    await ensurePrivateDir(path.join(dir, 'integrations'));
    await ensurePrivateDir(path.join(dir, 'audit'));
    const store = new Store(dir);
    await store.settings.load();
    return store;
  }

  /**
   * Opens every integration's link table and run history, so a damaged one is recovered and
   * reported when the app starts, not first noticed by the next scheduled run.
   */
  async loadAll(): Promise<void> {
    for (const { id } of this.settings.data.integrations) {
      for (const [label, open] of [
        ['link table', () => this.links(id)],
        ['run history', () => this.runs(id)],
      ] as const) {
        try {
          await open();
        } catch (err) {
          // A file the OS will not let us read (or a newer Rollcall wrote) must not stop the app from starting: say so.
          const known = err instanceof AppErrorException ? err.error : null;
          this.noticeList.push({
            id: `${label}-unreadable`,
            level: 'warning',
            message: known ? known.message : `The ${label} of integration ${id} could not be read (${err instanceof Error ? err.message : 'unknown error'}).`,
            fix: known ? `${known.fix} Runs of this integration stop until then.` : 'Check the data folder\'s permissions and free space, then restart Rollcall. Runs of this integration stop with the same error until it can be read.',
            file: path.join(this.dataDir, 'integrations'),
            at: new Date().toISOString(),
          });
        }
      }
    }
  }

  /** Recoveries and upgrades that happened while reading, for the UI's banner and the CLI. */
  get notices(): readonly StoreNotice[] {
    return this.noticeList;
  }

  get auditDir(): string {
    return path.join(this.dataDir, 'audit');
  }

  async links(integrationId: string): Promise<JsonStore<LinksFile>> {
    return this.perIntegration(this.linkStores, integrationId, 'links', 'link table', emptyLinks, parseLinks, true);
  }

  /** Every other integration's links: two integrations may claim one LMS account. */
  async otherIntegrationsLinks(integrationId: string): Promise<LinksFile['links']> {
    const out: LinksFile['links'] = [];
    for (const other of this.settings.data.integrations) {
      if (other.id !== integrationId) out.push(...(await this.links(other.id)).data.links);
    }
    return out;
  }

  /** The LMS departments this integration created (records.ts). */
  async createdDepartments(integrationId: string): Promise<JsonStore<DepartmentsFile>> {
    return this.perIntegration(this.departmentStores, integrationId, 'departments', 'created-departments list', emptyDepartments, parseDepartments);
  }

  async runs(integrationId: string): Promise<JsonStore<RunsFile>> {
    return this.perIntegration(this.runStores, integrationId, 'runs', 'run history', emptyRuns, parseRuns);
  }

  /**
   * Deletes what an integration kept on disk: its run history and the audit logs it names, its
   * link table, cached snapshots and plan, and their backups. Call once it is out of the settings.
   * Returns the files that could not be deleted.
   */
  async removeIntegrationFiles(integrationId: string): Promise<string[]> {
    if (!SAFE_ID.test(integrationId)) throw new Error(`Not an integration id: ${JSON.stringify(integrationId)}`);
    const failed: string[] = [];
    const rm = (file: string) => fs.rm(file, { force: true }).catch(() => void failed.push(file));
    const listed = async (dir: string): Promise<string[]> => {
      try {
        return await fs.readdir(dir);
      } catch {
        failed.push(dir);
        return [];
      }
    };
    // Audit logs named by its runs (older ones are named after the run only)...
    const runs = await this.runs(integrationId).catch(() => null);
    // An unreadable history hides which older audit logs are this integration's: say so.
    if (!runs) failed.push(this.auditDir);
    // basename: a run record never names a file outside the audit folder.
    for (const r of runs?.data.runs ?? []) if (r.auditLog) await rm(path.join(this.auditDir, path.basename(r.auditLog)));
    this.linkStores.delete(integrationId);
    this.runStores.delete(integrationId);
    this.departmentStores.delete(integrationId);
    // ...and every file named after it. Ids have no dots, so "<id>." (and a temporary ".<id>.…")
    // names this integration's files only. Locks are left to their holders, which remove them.
    const ours = (name: string) => (name.startsWith(`${integrationId}.`) || name.startsWith(`.${integrationId}.`)) && !name.endsWith('.lock');
    for (const dir of [path.join(this.dataDir, 'integrations'), this.auditDir]) for (const name of await listed(dir)) if (ours(name)) await rm(path.join(dir, name));
    return failed;
  }

  private async perIntegration<T>(
    cache: Map<string, JsonStore<T>>,
    integrationId: string,
    suffix: string,
    label: string,
    empty: () => T,
    parse: (raw: unknown) => ParseResult<T>,
    compact = false,
  ): Promise<JsonStore<T>> {
    // Ids become file names: refuse anything that could walk out of the data directory.
    if (!SAFE_ID.test(integrationId)) throw new Error(`Not an integration id: ${JSON.stringify(integrationId)}`);
    const existing = cache.get(integrationId);
    if (existing) {
      await existing.refreshIfChanged();
      return existing;
    }
    const store = new JsonStore<T>({
      file: path.join(this.dataDir, 'integrations', `${integrationId}.${suffix}.json`),
      label,
      empty,
      parse,
      ...this.noticeSink,
      compact,
    });
    await store.load();
    cache.set(integrationId, store);
    return store;
  }
}
