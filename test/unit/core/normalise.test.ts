import { describe, expect, it } from 'vitest';
import { cleanText, normaliseEmail, normaliseText, showHidden } from '../../../src-main/core/normalise';

describe('normaliseText', () => {
  it('removes a byte order mark from a department and reports it by name', () => {
    const n = normaliseText('Sales\uFEFF', 'department');
    expect(n.value).toBe('Sales');
    expect(n.notice).toEqual({ attribute: 'department', raw: 'Sales\uFEFF', normalised: 'Sales', found: ['U+FEFF BYTE ORDER MARK'] });
  });

  it('removes zero-width characters and the word joiner', () => {
    const n = normaliseText('Sa\u200Bl\u200Ce\u200Ds\u2060', 'department');
    expect(n.value).toBe('Sales');
    expect(n.notice?.found).toEqual([
      'U+200B ZERO WIDTH SPACE',
      'U+200C ZERO WIDTH NON-JOINER',
      'U+200D ZERO WIDTH JOINER',
      'U+2060 WORD JOINER',
    ]);
  });

  it('turns a no-break space into a plain space between words', () => {
    const n = normaliseText('Sales\u00A0EMEA', 'department');
    expect(n.value).toBe('Sales EMEA');
    expect(n.notice?.found).toEqual(['U+00A0 NO-BREAK SPACE']);
  });

  it('trims edge spaces and collapses repeated ones, naming each repair', () => {
    const n = normaliseText('  Anna   Berg ', 'displayName');
    expect(n.value).toBe('Anna Berg');
    expect(n.notice?.found).toEqual(['leading space', 'trailing space', 'repeated spaces']);
  });

  it('removes control characters and turns a tab into a space', () => {
    const n = normaliseText('Sales\tEMEA\u0007', 'department');
    expect(n.value).toBe('Sales EMEA');
    expect(n.notice?.found).toContain('U+0009 CHARACTER TABULATION');
    expect(n.notice?.found).toContain('U+0007 CONTROL CHARACTER');
  });

  it('composes decomposed accents so "Försäljning" typed two ways is one department', () => {
    const decomposed = 'Fo\u0308rsa\u0308ljning';
    expect(normaliseText(decomposed, 'department').value).toBe('Försäljning');
    expect(normaliseText('Försäljning', 'department').notice).toBeNull();
  });

  it('reports nothing for a clean value, and null for null or only hidden characters', () => {
    expect(normaliseText('Sales EMEA', 'department')).toEqual({ value: 'Sales EMEA', notice: null });
    expect(normaliseText(null, 'department')).toEqual({ value: null, notice: null });
    expect(normaliseText('\uFEFF ', 'department').value).toBeNull();
    expect(cleanText('')).toBeNull();
  });
});

describe('normaliseEmail', () => {
  it('lower-cases and trims, including hidden characters', () => {
    expect(normaliseEmail('  Anna.Berg@Contoso.COM\u200B ')).toBe('anna.berg@contoso.com');
    expect(normaliseEmail(null)).toBeNull();
  });
});

describe('showHidden', () => {
  it('makes hidden characters visible for the UI', () => {
    expect(showHidden('Sales\uFEFF')).toBe('Sales⟨U+FEFF⟩');
    expect(showHidden('Sales\u00A0EMEA')).toBe('Sales⟨U+00A0⟩EMEA');
  });

  it('shows edge and repeated plain spaces but leaves single inner spaces alone', () => {
    expect(showHidden(' Sales  EMEA ')).toBe('⟨U+0020⟩Sales ⟨U+0020⟩EMEA⟨U+0020⟩');
    expect(showHidden('Sales EMEA')).toBe('Sales EMEA');
  });
});
