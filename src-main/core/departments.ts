/**
 * Which department paths a plan writes that the LMS does not have yet. Parents come before
 * children so they can be created in order.
 */
import type { TargetDepartment } from './model';
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
