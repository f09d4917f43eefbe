/**
 * Normalisation of source values, with a report of what was repaired: the admin must be able to
 * see why "Sales\uFEFF" was not the department "Sales" (reference article 000, wrong department).
 */
import type { NormalisationNotice, SourceUser } from './model';

/** Characters that render as nothing: removed. */
const INVISIBLE: ReadonlyMap<number, string> = new Map([
  [0xfeff, 'BYTE ORDER MARK'],
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x200c, 'ZERO WIDTH NON-JOINER'],
  [0x200d, 'ZERO WIDTH JOINER'],
  [0x2060, 'WORD JOINER'],
  [0x00ad, 'SOFT HYPHEN'],
  [0x180e, 'MONGOLIAN VOWEL SEPARATOR'],
  [0x200e, 'LEFT-TO-RIGHT MARK'],
  [0x200f, 'RIGHT-TO-LEFT MARK'],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
  [0x202c, 'POP DIRECTIONAL FORMATTING'],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
]);

/** Space-like characters that look like a space but are not one: replaced by a plain space. */
const ODD_SPACES: ReadonlyMap<number, string> = new Map([
  [0x00a0, 'NO-BREAK SPACE'],
  [0x1680, 'OGHAM SPACE MARK'],
  [0x2000, 'EN QUAD'],
  [0x2001, 'EM QUAD'],
  [0x2002, 'EN SPACE'],
  [0x2003, 'EM SPACE'],
  [0x2004, 'THREE-PER-EM SPACE'],
  [0x2005, 'FOUR-PER-EM SPACE'],
  [0x2006, 'SIX-PER-EM SPACE'],
  [0x2007, 'FIGURE SPACE'],
  [0x2008, 'PUNCTUATION SPACE'],
  [0x2009, 'THIN SPACE'],
  [0x200a, 'HAIR SPACE'],
  [0x2028, 'LINE SEPARATOR'],
  [0x2029, 'PARAGRAPH SEPARATOR'],
  [0x202f, 'NARROW NO-BREAK SPACE'],
  [0x205f, 'MEDIUM MATHEMATICAL SPACE'],
  [0x3000, 'IDEOGRAPHIC SPACE'],
]);

/** Control characters that separate words (tab, line breaks): become a space. The rest are removed. */
const CONTROL_SEPARATORS: ReadonlyMap<number, string> = new Map([
  [0x09, 'CHARACTER TABULATION'],
  [0x0a, 'LINE FEED'],
  [0x0b, 'LINE TABULATION'],
  [0x0c, 'FORM FEED'],
  [0x0d, 'CARRIAGE RETURN'],
]);

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

export function codePointLabel(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "U+FEFF BYTE ORDER MARK"; null for an ordinary character. */
export function hiddenCharacterName(code: number): string | null {
  const name = INVISIBLE.get(code) ?? ODD_SPACES.get(code) ?? CONTROL_SEPARATORS.get(code);
  if (name) return `${codePointLabel(code)} ${name}`;
  if (isControl(code)) return `${codePointLabel(code)} CONTROL CHARACTER`;
  return null;
}

/** Printable ASCII words separated by single spaces, or empty: nothing to repair. */
const PLAIN = /^(?:[\x21-\x7e]+(?: [\x21-\x7e]+)*)?$/;

/**
 * Whether normaliseText() would return the value unchanged and without a notice. The common
 * case; callers that map 100k users test this first and skip building a result object.
 */
export function isPlainText(raw: string): boolean {
  return PLAIN.test(raw);
}

export interface NormalisedText {
  /** Null when the raw value was null or nothing visible remains. */
  value: string | null;
  /** Null when the value needed no repair. */
  notice: NormalisationNotice | null;
}

/**
 * Remove hidden characters, turn odd spaces into plain ones, collapse repeated spaces and trim.
 * Also composes Unicode (NFC), so "é" typed two ways is one department.
 */
export function normaliseText(raw: string | null | undefined, attribute: string): NormalisedText {
  if (raw === null || raw === undefined) return { value: null, notice: null };
  // Fast path for the common case (plain printable ASCII, single inner spaces): plan() calls
  // this about ten times per user.
  if (PLAIN.test(raw)) return { value: raw === '' ? null : raw, notice: null };
  const found: string[] = [];
  const note = (what: string): void => {
    if (!found.includes(what)) found.push(what);
  };
  let out = '';
  for (const ch of raw) {
    const code = ch.codePointAt(0) ?? 0;
    const name = hiddenCharacterName(code);
    if (name === null) {
      out += ch;
      continue;
    }
    note(name);
    if (ODD_SPACES.has(code) || CONTROL_SEPARATORS.has(code)) out += ' ';
  }
  if (/^ /.test(out)) note('leading space');
  if (/ $/.test(out)) note('trailing space');
  if (/\S {2,}\S/.test(out)) note('repeated spaces');
  let value = out.replace(/ {2,}/g, ' ').trim();
  const composed = value.normalize('NFC');
  if (composed !== value) {
    note('decomposed accents (Unicode NFC)');
    value = composed;
  }
  const normalised = value === '' ? null : value;
  if (found.length === 0) return { value: normalised, notice: null };
  return { value: normalised, notice: { attribute, raw, normalised: value, found } };
}

/** The value as compared and written, without the report. */
export function cleanText(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  if (PLAIN.test(raw)) return raw === '' ? null : raw;
  return normaliseText(raw, '').value;
}

/** A person as the admin knows them: their display name, else their sign-in name. */
export function personName(u: Pick<SourceUser, 'displayName' | 'userPrincipalName'>): string {
  return cleanText(u.displayName) ?? u.userPrincipalName;
}

/** E-mail addresses and userNames compare case-insensitively, without hidden characters. */
export function normaliseEmail(raw: string | null | undefined): string | null {
  const value = cleanText(raw);
  if (value === null) return null;
  // Most addresses have no space: no replace() copy then.
  return (value.includes(' ') ? value.replace(/ /g, '') : value).toLowerCase();
}

/**
 * Make hidden characters visible for the UI and diagnose(): "Sales\uFEFF" → "Sales⟨U+FEFF⟩".
 * Edge and repeated plain spaces are shown as ⟨U+0020⟩ because they are just as invisible.
 */
export function showHidden(raw: string): string {
  const chars = Array.from(raw);
  let out = '';
  chars.forEach((ch, i) => {
    const code = ch.codePointAt(0) ?? 0;
    if (hiddenCharacterName(code) !== null) {
      out += `⟨${codePointLabel(code)}⟩`;
      return;
    }
    if (code === 0x20) {
      const atEdge = i === 0 || i === chars.length - 1;
      const repeated = chars[i - 1] === ' ';
      out += atEdge || repeated ? '⟨U+0020⟩' : ' ';
      return;
    }
    out += ch;
  });
  return out;
}
