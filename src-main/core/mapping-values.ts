/**
 * Single values the mapping derives: the content region from a country (reference 002) and the
 * department path from a unit name (reference 004's levels and "unique units").
 */
import type { NormalisationNotice, PlanWarning } from './model';
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

/**
 * Three-letter codes of the countries the table maps (HR systems often export these): ISO 3166-1
 * alpha-3, and the sports codes people also write (GER, SUI, DEN, SLO). Any other three-letter
 * code is taken as a country without a region of its own: Global, as the article says, unwarned.
 */
const ALPHA3: ReadonlyMap<string, string> = new Map([
  ['GBR', 'GB'], ['ESP', 'ES'], ['ITA', 'IT'], ['MLT', 'MT'], ['DEU', 'DE'], ['BEL', 'BE'], ['CHE', 'CH'],
  ['DNK', 'DK'], ['ROU', 'RO'], ['SVN', 'SI'], ['USA', 'US'], ['CAN', 'CA'], ['SWE', 'SE'], ['NOR', 'NO'],
  ['GER', 'DE'], ['SUI', 'CH'], ['DEN', 'DK'], ['SLO', 'SI'],
  // The UK's nations by their football codes, and Romania's ISO code until 2002 (older HR exports).
  ['ENG', 'GB'], ['SCO', 'GB'], ['WAL', 'GB'], ['NIR', 'GB'], ['ROM', 'RO'],
]);

/**
 * Names admins type that the runtime's lists of country names do not have (CLDR calls TR
 * "Türkiye", HK "Hong Kong SAR China"), and the UK's and US's many spellings.
 */
const NAME_ALIASES: ReadonlyArray<readonly [string, string]> = [
  ['great britain', 'GB'], ['britain', 'GB'], ['england', 'GB'], ['scotland', 'GB'], ['wales', 'GB'], ['northern ireland', 'GB'], ['n ireland', 'GB'],
  ['england and wales', 'GB'], ['great britain and northern ireland', 'GB'], ['united kingdom of great britain and northern ireland', 'GB'],
  ['usa', 'US'], ['u s a', 'US'], ['u s', 'US'], ['united states of america', 'US'], ['america', 'US'],
  ['czech republic', 'CZ'], ['slovak republic', 'SK'], ['turkey', 'TR'], ['holland', 'NL'], ['eire', 'IE'], ['republic of ireland', 'IE'],
  ['russia', 'RU'], ['russian federation', 'RU'], ['south korea', 'KR'], ['republic of korea', 'KR'], ['korea republic of', 'KR'], ['north korea', 'KP'],
  ['hong kong', 'HK'], ['macau', 'MO'], ['macao', 'MO'], ['palestine', 'PS'], ['uae', 'AE'], ['ivory coast', 'CI'], ['burma', 'MM'],
  ['swaziland', 'SZ'], ['vatican', 'VA'], ['vatican city', 'VA'], ['east timor', 'TL'], ['cape verde', 'CV'],
];

/** Values that say "no country", not a country: treated as empty (Global, and Diagnose says none is set). */
const NO_COUNTRY = new Set(['n/a', 'n.a.', '-', '--', '?', 'none', 'unknown', 'unk', 'xxx', 'xx', 'not set', 'not applicable', 'tbd', 'tba', 'tbc', 'nil', 'null', 'other']);

/** Codes ICU knows that name no country (EU, UN, the eurozone, outlying Oceania, pseudo-locales). */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);

/**
 * Locales whose country names are recognised: English and the languages of the countries the
 * table maps (an HR system in Germany writes "Deutschland"), plus a few common in Europe.
 */
const NAME_LOCALES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'sv', 'nb', 'da', 'ro', 'sl', 'mt', 'pt', 'pl', 'fi'];

/** Lower case, accents and dots gone, "&" as "and", one space between words, no leading "the". */
function nameKey(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[.,()'’]/g, '')
    .replace(/[\s-]+/g, ' ')
    .trim()
    .replace(/^the /, '');
}

let validCodes: ReadonlySet<string> | null = null;
let codeByName: ReadonlyMap<string, string> | null = null;

/** Every ISO 3166-1 alpha-2 code the runtime's ICU knows. Built once, on the first two-letter value. */
function regionCodes(): ReadonlySet<string> {
  if (validCodes) return validCodes;
  const codes = new Set<string>();
  const A = 'A'.charCodeAt(0);
  const english = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  for (let i = 0; i < 26; i++) {
    for (let j = 0; j < 26; j++) {
      const code = String.fromCharCode(A + i, A + j);
      // An unknown code comes back as itself; a retired one (DD, YU, UK for GB) is an alias of a
      // current one, whose name it would otherwise take first.
      if (NOT_COUNTRIES.has(code) || english.of(code) === code || Intl.getCanonicalLocales(`und-${code}`)[0] !== `und-${code}`) continue;
      codes.add(code);
    }
  }
  validCodes = codes;
  return codes;
}

/** Each code's name in NAME_LOCALES, and the aliases. Built once, on the first country name (~20 ms). */
function countryNames(): ReadonlyMap<string, string> {
  if (codeByName) return codeByName;
  const byName = new Map<string, string>();
  for (const locale of NAME_LOCALES) {
    let names: Intl.DisplayNames;
    try {
      names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
    } catch {
      continue; // a runtime without this locale's data still has the others
    }
    for (const code of regionCodes()) {
      const name = names.of(code);
      if (name && name !== code && !byName.has(nameKey(name))) byName.set(nameKey(name), code);
    }
  }
  for (const [name, code] of NAME_ALIASES) byName.set(name, code);
  codeByName = byName;
  return byName;
}

/**
 * The ISO 3166-1 alpha-2 code for what an Entra country field holds: a two-letter code ("se",
 * and "UK" for GB), a three-letter one of the mapped countries, a country's name in English or a
 * local language ("Deutschland", "España"), or a name with its code ("Deutschland (DE)"). Null
 * when it is none of these.
 */
export function countryCodeOf(value: string): string | null {
  const trimmed = value.trim();
  const upper = trimmed.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper)) {
    // UK is what people write for GB; QQ is the LMS's own code for Global, put there on purpose.
    if (upper === 'UK') return 'GB';
    if (upper === 'QQ') return upper;
    return regionCodes().has(upper) ? upper : null;
  }
  const alpha3 = /^[A-Z]{3}$/.test(upper) ? ALPHA3.get(upper) : undefined;
  if (alpha3 !== undefined) return alpha3;
  const withCode = /^(.+?)\s*\(\s*([A-Za-z]{2})\s*\)$/.exec(trimmed);
  if (withCode) return countryCodeOf(withCode[2] ?? '') ?? countryCodeOf(withCode[1] ?? '');
  const key = nameKey(trimmed);
  // "U.K." and "u.s." lose their dots: two letters again (and only letters, or this would not end).
  if (/^[a-z]{2}$/.test(key)) return countryCodeOf(key);
  return countryNames().get(key) ?? null;
}

/**
 * The LMS content region for a country code or name (reference 002's table); any other country,
 * or none, is Global ("QQ"). `recognised` is false when there was a value but it names no
 * country, so the person lands in Global by accident rather than by the table. A three-letter
 * code outside the table is a country without a region of its own; "N/A", "-" or "Unknown" is
 * no country.
 */
export function contentRegionOf(country: string | null): { region: string; recognised: boolean } {
  const value = countryValue(country);
  if (value === null) return { region: 'QQ', recognised: true };
  const code = countryCodeOf(value);
  return { region: (code !== null ? REGION_BY_COUNTRY.get(code) : undefined) ?? 'QQ', recognised: code !== null || /^[A-Za-z]{3}$/.test(value) };
}

/** The country field's value, cleaned; null when it is empty or says there is none ("N/A", "-"). */
export function countryValue(country: string | null): string | null {
  const value = cleanText(country);
  return value === null || NO_COUNTRY.has(value.toLowerCase()) ? null : value;
}

/** The op's warning when a person's country names no country, so they land in Global by accident. */
export function countryNotRecognised(attribute: string, country: string | null): PlanWarning {
  const value = cleanText(country) ?? '';
  return {
    code: 'country_not_recognised',
    message: `Entra's ${attribute} is "${value}", which names no country Rollcall knows, so the content region is Global (QQ). Put a two-letter country code (such as GB, DE or US) or a country's name in the ${attribute} attribute in Entra.`,
  };
}

/** The LMS content region for a country code or name; anything else or nothing → "QQ" (global). */
export function contentRegionFor(country: string | null): string {
  return contentRegionOf(country).region;
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
