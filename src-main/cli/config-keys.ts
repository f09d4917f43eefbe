/**
 * Keys of a config file that the settings schema does not know. The schema drops them without a
 * word, so a typo ("deactivateUser": true) or a secret nested in the file would be ignored
 * silently: `integration add` names them instead.
 */

export interface UnknownKey {
  /** Where, as the schema's errors say it: "deactivation.deactivateUser". */
  path: string;
  /** A known key at the same place within two edits, when there is one. */
  didYouMean: string | null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Edit distance, stopping early: only "within 2" matters. */
function near(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (Math.abs(x.length - y.length) > 2) return false;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return (prev[y.length] ?? 3) <= 2;
}

/** Keys present in `raw` (the file as written) but not in `parsed` (what the schema kept). */
export function unknownKeys(raw: unknown, parsed: unknown, at = ''): UnknownKey[] {
  const out: UnknownKey[] = [];
  if (Array.isArray(raw) && Array.isArray(parsed)) {
    raw.forEach((item, i) => out.push(...unknownKeys(item, parsed[i], `${at}${at ? '.' : ''}${i}`)));
    return out;
  }
  if (!isPlainObject(raw) || !isPlainObject(parsed)) return out;
  for (const [key, value] of Object.entries(raw)) {
    const path = at ? `${at}.${key}` : key;
    if (!(key in parsed)) out.push({ path, didYouMean: Object.keys(parsed).find((k) => !(k in raw) && near(k, key)) ?? null });
    else out.push(...unknownKeys(value, parsed[key], path));
  }
  return out;
}
