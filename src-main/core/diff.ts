/**
 * Field changes between what the mapping wants and what the LMS has. Comparison rules are
 * chosen so a second plan after apply finds nothing to do (no churn from case or order).
 */
import { ScimPath, type AttrValue, type FieldChange } from './model';

/** Set-like fields (order carries no meaning) end in these names. */
const SET_FIELDS = [':permissionTypes', ':approvers'];
/** Identifier fields the LMS treats case-insensitively. */
const CASELESS_FIELDS: ReadonlySet<string> = new Set([ScimPath.email, 'userName', ScimPath.manager, 'externalId']);

function asList(v: AttrValue | undefined): string[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function sameValue(field: string, a: AttrValue | undefined, b: AttrValue | undefined): boolean {
  const caseless = CASELESS_FIELDS.has(field) || field.endsWith(':approvers');
  // Scalars (most fields) compare without building lists: this runs ~15 times per user.
  if (!Array.isArray(a) && !Array.isArray(b)) {
    const x = a ?? null;
    const y = b ?? null;
    if (x === null || y === null) return x === y;
    return caseless ? x.toLowerCase() === y.toLowerCase() : x === y;
  }
  let x = asList(a);
  let y = asList(b);
  if (caseless) {
    x = x.map((s) => s.toLowerCase());
    y = y.map((s) => s.toLowerCase());
  }
  if (SET_FIELDS.some((suffix) => field.endsWith(suffix))) {
    x = [...new Set(x)].sort();
    y = [...new Set(y)].sort();
  }
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const NOTHING: ReadonlySet<string> = new Set();

/** Changes that turn `current` into `desired`; keys absent from desired are never touched. */
export function diffAttributes(
  desired: Readonly<Record<string, AttrValue>>,
  current: Readonly<Record<string, AttrValue>> | ((field: string) => AttrValue | undefined),
  leaveAlone: ReadonlySet<string> = NOTHING,
): FieldChange[] {
  const changes: FieldChange[] = [];
  const currentOf = typeof current === 'function' ? current : (field: string) => current[field];
  for (const field in desired) {
    if (leaveAlone.has(field)) continue;
    const to = desired[field] ?? null;
    const from = currentOf(field) ?? null;
    if (!sameValue(field, from, to)) changes.push({ field, from, to });
  }
  return changes;
}

/** Labels already worked out: a plan names a dozen fields a million times. */
const labels = new Map<string, string>();

/** A short admin word for a SCIM path: "department", "jobProfile", "name.givenName". */
export function fieldLabel(field: string): string {
  let label = labels.get(field);
  if (label === undefined) {
    const colon = field.lastIndexOf(':');
    label = field === ScimPath.email ? 'e-mail' : colon >= 0 ? field.slice(colon + 1) : field;
    if (labels.size < 1000) labels.set(field, label);
  }
  return label;
}
