/**
 * Single values the mapping derives: the content region from a country (reference 002) and the
 * department path from a unit name (reference 004's levels and "unique units").
 */
import type { NormalisationNotice } from './model';
import { cleanText, normaliseText } from './normalise';

// ---------------------------------------------------------------------------------------------
// Content region (reference article 002)
// ---------------------------------------------------------------------------------------------

const REGION_BY_COUNTRY: ReadonlyMap<string, string> = new Map([
  ['GB', 'GB'],
  ['ES', 'ES'], ['IT', 'ES'], ['MT', 'ES'],
  ['DE', 'DE'], ['BE', 'DE'], ['CH', 'DE'], ['DK', 'DE'], ['RO', 'DE'], ['SI', 'DE'],
  ['US', 'US'], ['CA', 'US'],
  ['SE', 'SE'], ['NO', 'SE'],
]);

/** Entra's free-text country field often holds a name, not a code: the names that matter here. */
const COUNTRY_NAMES: ReadonlyMap<string, string> = new Map([
  ['uk', 'GB'], ['united kingdom', 'GB'], ['great britain', 'GB'],
  ['spain', 'ES'], ['italy', 'IT'], ['malta', 'MT'],
  ['germany', 'DE'], ['belgium', 'BE'], ['switzerland', 'CH'], ['denmark', 'DK'], ['romania', 'RO'], ['slovenia', 'SI'],
  ['united states', 'US'], ['united states of america', 'US'], ['usa', 'US'], ['canada', 'CA'],
  ['sweden', 'SE'], ['norway', 'NO'],
]);

/** The LMS content region for a country code or name; anything else or nothing → "QQ" (global). */
export function contentRegionFor(country: string | null): string {
  const value = cleanText(country);
  if (value === null) return 'QQ';
  const code = value.length === 2 ? value.toUpperCase() : COUNTRY_NAMES.get(value.toLowerCase());
  return (code !== undefined ? REGION_BY_COUNTRY.get(code) : undefined) ?? 'QQ';
}

// ---------------------------------------------------------------------------------------------
// Departments
// ---------------------------------------------------------------------------------------------

/** FNV-1a, 8 hex digits: a stable short id for a unit that Entra gives no id of its own. */
export function unitId(path: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const ch of path.join('/')) {
    hash ^= ch.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * The department path for a raw value: split on the delimiter when set, each unit normalised,
 * empty units dropped. "Unique units" appends each unit's id ("EMEA (1a2b3c4d)") so two units
 * with one name stay apart; the id is derived from the unit's path because Entra has none.
 */
export function departmentPath(
  raw: string,
  delimiter: string | null,
  uniqueUnits: boolean,
): { path: string[] | null; notices: NormalisationNotice[] } {
  const notices: NormalisationNotice[] = [];
  const parts = delimiter === null ? [raw] : raw.split(delimiter);
  const path: string[] = [];
  for (const part of parts) {
    const n = normaliseText(part, 'department');
    if (n.notice) notices.push(n.notice);
    if (n.value !== null) path.push(n.value);
  }
  if (path.length === 0) return { path: null, notices };
  if (!uniqueUnits) return { path, notices };
  return { path: path.map((name, i) => `${name} (${unitId(path.slice(0, i + 1))})`), notices };
}
