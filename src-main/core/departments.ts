/**
 * Which department paths a plan writes that the LMS does not have yet. Parents come before
 * children so they can be created in order.
 */
import { ScimPath, type AttrValue, type PlanOp, type TargetDepartment, type TargetSnapshot } from './model';
import { cleanText } from './normalise';

const SEP = '\u0000';

/** One department's path of names from the top (a parent cycle in a broken tree ends it). */
export function departmentPathOf(d: TargetDepartment, byId: ReadonlyMap<string, TargetDepartment>): string[] {
  const path = [d.name];
  const seen = new Set([d.id]);
  for (let p = d.parentId !== null ? byId.get(d.parentId) : undefined; p && !seen.has(p.id); p = p.parentId !== null ? byId.get(p.parentId) : undefined) {
    seen.add(p.id);
    path.unshift(p.name);
  }
  return path;
}

/** Every existing department as its path of names from the top, keyed by the joined path. */
export function existingDepartmentPaths(departments: readonly TargetDepartment[]): Set<string> {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const memo = new Map<string, string[]>();
  const pathOf = (d: TargetDepartment, seen: Set<string>): string[] => {
    const known = memo.get(d.id);
    if (known) return known;
    const parent = d.parentId !== null ? byId.get(d.parentId) : undefined;
    // A parent cycle in a broken LMS tree ends the path instead of looping.
    const up = parent && !seen.has(parent.id) ? pathOf(parent, seen.add(d.id)) : [];
    const path = [...up, d.name];
    memo.set(d.id, path);
    return path;
  };
  return new Set(departments.map((d) => pathOf(d, new Set()).join(SEP)));
}

/** Missing paths (and their missing parents), parents first, then alphabetically. */
export function departmentsToCreate(wanted: Iterable<readonly string[]>, existing: ReadonlySet<string>): string[][] {
  const missing = new Map<string, string[]>();
  for (const path of wanted) {
    for (let depth = 1; depth <= path.length; depth++) {
      const prefix = path.slice(0, depth);
      const key = prefix.join(SEP);
      if (!existing.has(key) && !missing.has(key)) missing.set(key, prefix);
    }
  }
  return [...missing.entries()]
    .sort(([ka, a], [kb, b]) => a.length - b.length || (ka < kb ? -1 : ka > kb ? 1 : 0))
    .map(([, p]) => p);
}

/**
 * Departments a plan would create that the LMS has already under a look-alike name: the same
 * once hidden characters (a byte-order mark, a no-break space) are taken out and case ignored.
 * Created, they would be a second "Sales" beside the LMS's "Sales⟨U+FEFF⟩" (article 000,
 * "hidden BOM characters"); said instead, so the admin renames the LMS's one.
 */
export function lookalikeDepartments(toCreate: readonly string[][], departments: readonly TargetDepartment[]): Array<{ wanted: string[]; existing: string[] }> {
  if (toCreate.length === 0 || departments.length === 0) return [];
  const key = (path: readonly string[]) => path.map((n) => (cleanText(n) ?? '').toLowerCase()).join(SEP);
  const byId = new Map(departments.map((d) => [d.id, d]));
  const existing = new Map<string, string[]>();
  for (const d of departments) {
    const path = departmentPathOf(d, byId);
    const k = key(path);
    if (!existing.has(k)) existing.set(k, path);
  }
  const out: Array<{ wanted: string[]; existing: string[] }> = [];
  for (const wanted of toCreate) {
    const twin = existing.get(key(wanted));
    // Its parent's look-alike is reported already: only the first level that differs.
    if (twin && !out.some((o) => o.wanted.length < wanted.length && o.wanted.every((n, i) => n === wanted[i]))) out.push({ wanted, existing: twin });
  }
  return out;
}

/** A department this integration created that nobody active is in (nor below it) after the plan. */
export interface UnusedDepartment {
  id: string;
  /** Its path of names from the top, as the LMS has it now (it may have been renamed or moved). */
  path: string[];
}

/**
 * The departments this integration created that nobody active will be in, nor in any department
 * below them, once the plan is applied. Reference 004's integration deletes a department when its
 * unit is deleted; Rollcall never deletes one (a department may hold reports, courses or people the
 * LMS added by hand), so it names the ones left empty for the admin to remove. Only departments it
 * created are judged: the LMS's own are its administrators' business. Null when the LMS read was
 * incomplete (an account missing from it proves nothing). Linear: one pass over ops and accounts.
 */
export function unusedCreatedDepartments(
  target: Pick<TargetSnapshot, 'users' | 'departments' | 'complete'>,
  ops: readonly PlanOp[],
  created: ReadonlyArray<{ id: string }>,
): UnusedDepartment[] | null {
  if (!target.complete) return null;
  if (created.length === 0 || target.departments === null) return [];
  const used = new Set<string>();
  const use = (v: AttrValue | undefined) => {
    if (!Array.isArray(v) || v.length === 0) return;
    // Most people share a few paths: once a path is in, its parents are too (one join per account).
    const key = v.join(SEP);
    if (used.has(key)) return;
    for (let depth = 1; depth <= v.length; depth++) used.add(v.slice(0, depth).join(SEP));
  };
  // What the plan does to each account: its department after, and whether it stays active.
  const after = new Map<string, AttrValue>();
  const leaving = new Set<string>();
  const coming = new Set<string>();
  for (const op of ops) {
    if (op.phase !== 'users' || op.kind === 'conflict' || op.kind === 'skip') continue;
    const department = op.changes.find((c) => c.field === ScimPath.department)?.to;
    if (op.targetId === null) {
      if (op.kind === 'create') use(department);
      continue;
    }
    if (op.kind === 'deactivate') leaving.add(op.targetId);
    if (op.kind === 'reactivate') coming.add(op.targetId);
    if (department !== undefined) after.set(op.targetId, department);
  }
  for (const u of target.users) {
    if (leaving.has(u.id) || (!u.active && !coming.has(u.id))) continue;
    use(after.has(u.id) ? after.get(u.id) : u.attributes[ScimPath.department]);
  }
  const byId = new Map(target.departments.map((d) => [d.id, d]));
  const unused: UnusedDepartment[] = [];
  for (const { id } of created) {
    const d = byId.get(id);
    // Deleted in the LMS since: nothing left to say.
    if (!d) continue;
    const path = departmentPathOf(d, byId);
    if (!used.has(path.join(SEP))) unused.push({ id, path });
  }
  return unused.sort((a, b) => (a.path.join(' / ') < b.path.join(' / ') ? -1 : 1));
}

/** Departments named in the note; the rest are counted. */
const NAMED_DEPARTMENTS = 5;

/** The note in the admin's words, for the dry run and `rollcall plan` alike. */
export function describeUnusedDepartments(unused: readonly UnusedDepartment[]): { title: string; detail: string } {
  const n = unused.length;
  const named = unused.slice(0, NAMED_DEPARTMENTS).map((d) => d.path.join(' / '));
  const more = n > named.length ? ` and ${(n - named.length).toLocaleString('en-US')} more` : '';
  return {
    title: `${n.toLocaleString('en-US')} ${n === 1 ? 'department' : 'departments'} this integration created ${n === 1 ? 'has' : 'have'} nobody in ${n === 1 ? 'it' : 'them'} after this sync`,
    detail: `${named.join('; ')}${more}. Nobody active is in ${n === 1 ? 'it' : 'them'} or in a department below. Rollcall never deletes a department (it may hold reports or courses): if ${n === 1 ? 'it is' : 'they are'} no longer needed, remove ${n === 1 ? 'it' : 'them'} in the LMS.`,
  };
}
