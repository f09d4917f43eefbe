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
