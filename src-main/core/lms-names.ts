/**
 * Names as the LMS spells them. The LMS client finds an LMS department, job profile or permission
 * type by its exact name, else by the same name in another case (lms/org.ts); the plan must write
 * what the LMS will read back, or the same value is "changed" on every run.
 */
import type { AttrValue, TargetDepartment } from './model';

/**
 * "Admin" starting a word (any script's letters count as word letters: "LMS_Admin", "Admin2",
 * "Administrateur", "Administratoren") or a camel-case part ("OrgAdmin", "LMSAdmin"); not
 * "Administrative staff" nor "Badminton". Leaning towards a match: a false one only leaves an
 * account active, a missed one locks an administrator out.
 */
const ADMIN_WORD = /(?<![\p{L}\p{N}])(?:super|sys|site)?admin(?!istrativ)/iu;
const ADMIN_CAMEL = /[A-Za-z0-9_]Admin(?!istrativ)/;
const isAdministratorType = (t: string): boolean => ADMIN_WORD.test(t) || ADMIN_CAMEL.test(t);

/**
 * The permission types in a value that make their holder an LMS administrator, by name, leaving
 * out those the integration grants itself (`granted`, its permission mapping's types): those are
 * its own to take away. Rollcall never takes such an account over, nor takes it away because its
 * person left the scope: a locked-out administrator is the vendor FAQ's "I can't see my users
 * anymore" (reference 000).
 */
export function administratorTypes(value: AttrValue | undefined, granted: ReadonlySet<string> = NONE): string[] {
  return namesIn(value).filter((t) => isAdministratorType(t) && !granted.has(t.trim().toLowerCase()));
}

/** The names a multi-valued LMS attribute holds (permission types): a list, one name, or none. */
export function namesIn(value: AttrValue | undefined): string[] {
  return Array.isArray(value) ? value : typeof value === 'string' && value !== '' ? [value] : [];
}

const NONE: ReadonlySet<string> = new Set();

/** The LMS's name for a job profile or permission type: the exact name, else the first in another case (as lms/org.ts finds it). */
export function lmsName(list: readonly { name: string }[], name: string): string | null {
  const lower = name.trim().toLowerCase();
  let caseless: string | null = null;
  for (const item of list) {
    if (item.name === name) return item.name;
    if (caseless === null && item.name.trim().toLowerCase() === lower) caseless = item.name;
  }
  return caseless;
}

export const siblingKey = (parentId: string | null, name: string): string => `${parentId ?? ''}\u0000${name.toLowerCase()}`;

/**
 * The path spelled as the LMS spells the departments it has: a level matches its exact name, else
 * the one sibling with that name in another case (as the LMS client finds it when writing). Kept
 * as mapped from the first level the LMS lacks. Without this, "Sales" against the LMS's "SALES"
 * was a change on every run that wrote the same department back, and a department "to create".
 */
export function spelledAsInLms(path: string[], lms: ReadonlyMap<string, readonly TargetDepartment[]>): string[] {
  let parentId: string | null = null;
  const out = [...path];
  for (let i = 0; i < out.length; i++) {
    const name = out[i] as string;
    const siblings = lms.get(siblingKey(parentId, name));
    const hit = siblings?.find((d) => d.name === name) ?? (siblings?.length === 1 ? siblings[0] : undefined);
    if (!hit) break;
    out[i] = hit.name;
    parentId = hit.id;
  }
  return out;
}
