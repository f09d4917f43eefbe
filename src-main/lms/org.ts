/**
 * The LMS's organisation resources (departments, job profiles, permission types) held by id and
 * by name, so the client can turn names into ids when writing and ids into names when reading.
 * Department creation is parents first and de-duplicated: many users of a new department in one
 * run create it once.
 */
import { fail, ok, appError, type Result } from '../core/errors';
import type { TargetDepartment, TargetJobProfile, TargetPermissionType } from '../core/model';
import type { LmsLayout, OrgResourceLayout } from './discovery';
import type { ScimHttp } from './http';
import { LmsErrorCode } from './errors';
import { bool, obj, prop, str, type JsonObject } from './json';
import { checkResponse, readAllPages } from './responses';
import { together } from './together';
import { departmentPathOf } from '../core/departments';

const SEP = '\u0000';

export interface OrgContext {
  http: ScimHttp;
  layout: LmsLayout;
  secrets: readonly string[];
  concurrency: number;
  pageSize: number;
}

function refId(v: unknown): string | null {
  return str(v) ?? str(prop(obj(v), 'value'));
}

export class OrgCache {
  departments: Map<string, TargetDepartment> | null = null;
  jobProfiles: Map<string, TargetJobProfile> | null = null;
  permissionTypes: Map<string, TargetPermissionType> | null = null;
  private childIndex = new Map<string, string>();
  private readonly creating = new Map<string, Promise<Result<string>>>();
  /** Departments this client created, in order (by ensureDepartment, for the plan's list or a user write's). */
  private readonly made: string[] = [];
  private loading: Promise<Result<void>> | null = null;

  constructor(private readonly ctx: OrgContext) {}

  get loaded(): boolean {
    return this.loading !== null;
  }

  /** Loads all three lists once (again after reset()). */
  load(signal?: AbortSignal, onProgress?: (phase: string, done: number, total: number | null) => void): Promise<Result<void>> {
    this.loading ??= this.readAll(signal, onProgress).then((r) => {
      if (!r.ok) this.loading = null;
      return r;
    });
    return this.loading;
  }

  reset(): void {
    this.loading = null;
  }

  private async readList(kind: OrgResourceLayout, what: string, signal?: AbortSignal, onProgress?: (phase: string, done: number, total: number | null) => void): Promise<Result<JsonObject[]>> {
    const r = await readAllPages(this.ctx.http, kind.endpoint, this.ctx.pageSize, this.ctx.concurrency, what, this.ctx.secrets, signal, (d, t) => onProgress?.(what, d, t));
    if (!r.ok) return r;
    if (r.value.incompleteReason) return fail(appError(LmsErrorCode.serverError, r.value.incompleteReason, 'Run the sync again.'));
    return ok(r.value.resources);
  }

  private async readAll(signal?: AbortSignal, onProgress?: (phase: string, done: number, total: number | null) => void): Promise<Result<void>> {
    const { layout } = this.ctx;
    const none: JsonObject[] = [];
    // The three lists are read at once (each is a round trip or more over a network); the first
    // that fails stops the others.
    const lists = await together(signal, [
      (s) => (layout.departments ? this.readList(layout.departments, 'departments', s, onProgress) : Promise.resolve(ok(none))),
      (s) => (layout.jobProfiles ? this.readList(layout.jobProfiles, 'job profiles', s, onProgress) : Promise.resolve(ok(none))),
      (s) => (layout.permissionTypes ? this.readList(layout.permissionTypes, 'permission types', s, onProgress) : Promise.resolve(ok(none))),
    ]);
    if (!lists.ok) return lists;
    const [departments = none, jobProfiles = none, permissionTypes = none] = lists.value;
    if (layout.departments) {
      const d = layout.departments;
      this.departments = new Map();
      this.childIndex = new Map();
      for (const raw of departments) {
        const id = str(raw.id);
        if (!id) continue;
        this.addDepartment({ id, name: str(prop(raw, d.nameAttr)) ?? '', parentId: d.parentAttr ? refId(prop(raw, d.parentAttr)) : null });
      }
    }
    if (layout.jobProfiles) {
      const j = layout.jobProfiles;
      this.jobProfiles = new Map();
      for (const raw of jobProfiles) {
        const id = str(raw.id);
        if (id) this.jobProfiles.set(id, { id, name: str(prop(raw, j.nameAttr)) ?? '', isDefault: j.defaultAttr ? (bool(prop(raw, j.defaultAttr)) ?? false) : false });
      }
    }
    if (layout.permissionTypes) {
      const p = layout.permissionTypes;
      this.permissionTypes = new Map();
      for (const raw of permissionTypes) {
        const id = str(raw.id);
        if (id) this.permissionTypes.set(id, { id, name: str(prop(raw, p.nameAttr)) ?? '' });
      }
    }
    return ok(undefined);
  }

  private addDepartment(d: TargetDepartment): void {
    this.departments?.set(d.id, d);
    const key = (d.parentId ?? '') + SEP + d.name;
    if (!this.childIndex.has(key)) this.childIndex.set(key, d.id);
  }

  departmentPath(id: string): string[] | null {
    const path: string[] = [];
    const seen = new Set<string>();
    let cur = this.departments?.get(id);
    while (cur && !seen.has(cur.id)) {
      seen.add(cur.id);
      path.unshift(cur.name);
      cur = cur.parentId ? this.departments?.get(cur.parentId) : undefined;
    }
    return path.length ? path : null;
  }

  private childId(parentId: string | null, name: string): string | undefined {
    const exact = this.childIndex.get((parentId ?? '') + SEP + name);
    if (exact) return exact;
    // LMSs usually compare names case-insensitively; accept a single case-insensitive match.
    const lower = name.toLowerCase();
    const hits = [...(this.departments?.values() ?? [])].filter((d) => d.parentId === parentId && d.name.toLowerCase() === lower);
    return hits.length === 1 ? hits[0]?.id : undefined;
  }

  departmentId(path: string[]): string | undefined {
    const flat = !this.ctx.layout.departments?.parentAttr;
    if (flat) return this.childId(null, path[path.length - 1] ?? '');
    let parent: string | null = null;
    for (const name of path) {
      const id = this.childId(parent, name);
      if (!id) return undefined;
      parent = id;
    }
    return parent ?? undefined;
  }

  jobProfileId(name: string): string | undefined {
    return byName(this.jobProfiles, name);
  }

  permissionTypeId(name: string): string | undefined {
    return byName(this.permissionTypes, name);
  }

  /** Creates missing departments along the path, parents first; returns the leaf id. */
  async ensureDepartment(path: string[], signal?: AbortSignal): Promise<Result<string>> {
    const d = this.ctx.layout.departments;
    if (!d) {
      return fail(appError(LmsErrorCode.unsupported, 'This LMS has no department list, so departments cannot be created.', 'Departments are written as text on each user instead; nothing to do.'));
    }
    if (path.length === 0) return fail(appError(LmsErrorCode.invalidValue, 'An empty department path cannot be created.', 'Check the department mapping.'));
    const loaded = await this.load(signal);
    if (!loaded.ok) return loaded;
    const levels = d.parentAttr ? path : [path[path.length - 1] ?? ''];
    let parent: string | null = null;
    for (let i = 0; i < levels.length; i++) {
      const name = levels[i] ?? '';
      const existing = this.childId(parent, name);
      if (existing) {
        parent = existing;
        continue;
      }
      const key = levels.slice(0, i + 1).join(SEP);
      let pending = this.creating.get(key);
      if (!pending) {
        pending = this.createDepartment(d, name, parent, signal);
        this.creating.set(key, pending);
        void pending.then((r) => {
          if (!r.ok) this.creating.delete(key);
        });
      }
      const r = await pending;
      if (!r.ok) return r;
      parent = r.value;
    }
    return parent ? ok(parent) : fail(appError(LmsErrorCode.invalidValue, 'Empty department name.', 'Check the department mapping.'));
  }

  private async createDepartment(d: OrgResourceLayout, name: string, parentId: string | null, signal?: AbortSignal): Promise<Result<string>> {
    const body: JsonObject = { schemas: [d.schema], [d.nameAttr]: name };
    if (parentId && d.parentAttr) body[d.parentAttr] = d.parentComplex ? { value: parentId } : parentId;
    const what = `creating the department "${name}"`;
    const r = await this.ctx.http.request('POST', d.endpoint, body, signal);
    if (!r.ok) return r;
    const checked = checkResponse(this.ctx.http, r.value, what, this.ctx.secrets);
    if (!checked.ok) return checked;
    const id = str(obj(checked.value)?.id);
    if (!id) return fail(appError(LmsErrorCode.badResponse, `The LMS created the department "${name}" but did not return its id.`, 'Run the sync again; the department now exists and will be found.'));
    this.addDepartment({ id, name, parentId });
    this.made.push(id);
    return ok(id);
  }

  /** The departments this client created, each with its path of names from the top. */
  createdDepartments(): Array<{ id: string; path: string[] }> {
    const byId = this.departments;
    if (!byId) return [];
    return this.made.flatMap((id) => {
      const d = byId.get(id);
      return d ? [{ id, path: departmentPathOf(d, byId) }] : [];
    });
  }

  snapshotLists(): { departments: TargetDepartment[] | null; jobProfiles: TargetJobProfile[] | null; permissionTypes: TargetPermissionType[] | null } {
    return {
      departments: this.departments ? [...this.departments.values()] : null,
      jobProfiles: this.jobProfiles ? [...this.jobProfiles.values()] : null,
      permissionTypes: this.permissionTypes ? [...this.permissionTypes.values()] : null,
    };
  }
}

function byName<T extends { id: string; name: string }>(map: Map<string, T> | null, name: string): string | undefined {
  if (!map) return undefined;
  const lower = name.trim().toLowerCase();
  let ci: string | undefined;
  for (const v of map.values()) {
    if (v.name === name) return v.id;
    if (ci === undefined && v.name.trim().toLowerCase() === lower) ci = v.id;
  }
  return ci;
}
