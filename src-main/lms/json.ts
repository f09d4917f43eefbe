/** Small readers for untrusted JSON from the LMS: every access is checked, nothing is cast blindly. */
export type JsonObject = Record<string, unknown>;

export function obj(v: unknown): JsonObject | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : null;
}

export function arr(v: unknown): unknown[] | null {
  return Array.isArray(v) ? v : null;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

export function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

export function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  return null;
}

/**
 * Lower-cased property names, memoised: every user of a 100,000-user read has the same dozen
 * keys, and lower-casing them again for each missing attribute was the read's biggest cost.
 * Bounded, because the keys come from the LMS.
 */
const lowered = new Map<string, string>();

function lowerName(k: string): string {
  let l = lowered.get(k);
  if (l === undefined) {
    l = k.toLowerCase();
    if (lowered.size < 4096) lowered.set(k, l);
  }
  return l;
}

/** Case-insensitive property read: SCIM attribute names are case-insensitive (RFC 7643 §2.1). */
export function prop(o: JsonObject | null, name: string): unknown {
  if (!o) return undefined;
  if (name in o) return o[name];
  const lower = lowerName(name);
  for (const k in o) if (Object.hasOwn(o, k) && lowerName(k) === lower) return o[k];
  return undefined;
}

/**
 * Reads a fixed list of attributes from objects of the same kind in one pass over each object's
 * keys, with prop()'s answer for each: the exact spelling if present, else the first key equal
 * ignoring case. For the ~100,000 users of a full read, where most asked-for attributes are
 * missing and prop() would scan the keys once per missing attribute. Not re-entrant: read the
 * values before the next read().
 */
export class FieldReader {
  readonly values: unknown[];
  private readonly state: Uint8Array;
  /** Property name as met → the indexes in `names` it may fill (bounded: the keys come from the LMS). */
  private readonly indexesOf = new Map<string, readonly number[]>();
  private readonly byLower = new Map<string, number[]>();

  constructor(private readonly names: readonly string[]) {
    this.values = new Array<unknown>(names.length).fill(undefined);
    this.state = new Uint8Array(names.length);
    names.forEach((n, i) => {
      const l = lowerName(n);
      const list = this.byLower.get(l);
      if (list) list.push(i);
      else this.byLower.set(l, [i]);
    });
  }

  read(o: JsonObject | null): unknown[] {
    const { values, state, names } = this;
    values.fill(undefined);
    state.fill(0);
    if (!o) return values;
    for (const k in o) {
      if (!Object.hasOwn(o, k)) continue;
      let indexes = this.indexesOf.get(k);
      if (indexes === undefined) {
        indexes = this.byLower.get(lowerName(k)) ?? [];
        if (this.indexesOf.size < 4096) this.indexesOf.set(k, indexes);
      }
      for (const i of indexes) {
        if (k === names[i]) {
          values[i] = o[k];
          state[i] = 2;
        } else if (state[i] === 0) {
          values[i] = o[k];
          state[i] = 1;
        }
      }
    }
    return values;
  }
}
