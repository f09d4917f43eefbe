/**
 * Reference article 002 (content regions): "why does Anna see the global catalogue?" Diagnose
 * says which country gave which region, or why it is Global, with the fix in Entra.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_VENDOR_NAMESPACE, vendorPath } from '../../../src-main/core/model';
import { capabilities, link, planConfig, sourceUser, targetUser } from '../../../src-main/core/testing/builders';
import { check, diag, evidence } from './diagnose-helpers';

const field = vendorPath(DEFAULT_VENDOR_NAMESPACE, 'contentRegion');
const anna = (country: string | null) => sourceUser('anna', { displayName: 'Anna Berg', mail: 'anna@contoso.com', userPrincipalName: 'anna@contoso.com', country });
const annaLms = (region: string) => targetUser('t-anna', { externalId: 'anna', userName: 'anna@contoso.com', attributes: { [field]: region } });
const linked = [link('anna', 't-anna', 'int-1', { emailAtLink: 'anna@contoso.com' })];
const regions = planConfig({ mapping: { contentRegion: { enabled: true, attribute: 'country' } } });

describe('002: content region', () => {
  it('names the country and the region it maps to, local names included', () => {
    const c = diag('anna@contoso.com', { users: [anna('Deutschland')], targets: [annaLms('DE')], links: linked, config: regions });
    expect(check(c, 'content-region')).toMatchObject({ status: 'pass', detail: '"Deutschland" (DE) maps to the content region "DE".' });
    expect(evidence(c, 'content-region')).toBe('Entra country: "Deutschland"\nWritten to the LMS: "DE"\nLMS now: "DE"');
  });

  it('says a country without a region of its own is Global by the table', () => {
    const c = diag('anna@contoso.com', { users: [anna('FR')], targets: [annaLms('QQ')], links: linked, config: regions });
    expect(check(c, 'content-region')).toMatchObject({ status: 'pass', detail: '"FR" has no content region of its own, so it is Global (QQ).' });
  });

  it('warns when the country names no country, with the fix in Entra', () => {
    const c = diag('anna@contoso.com', { users: [anna('Head office')], targets: [annaLms('QQ')], links: linked, config: regions });
    expect(check(c, 'content-region')).toMatchObject({ status: 'warn', detail: expect.stringContaining('"Head office", which names no country Rollcall knows'), fix: "Set country for Anna Berg in Entra to a country code such as GB, DE or US, or a country's name; the next sync writes the region." });
    // The op carries the same warning, so the dry run shows it beside the change.
    const moved = diag('anna@contoso.com', { users: [anna('Head office')], targets: [annaLms('DE')], links: linked, config: regions });
    expect(moved.ops.find((o) => o.kind === 'update')?.warnings?.map((w) => w.code)).toEqual(['country_not_recognised']);
  });

  it('warns when there is no country at all: the article recommends mapping one', () => {
    const c = diag('anna@contoso.com', { users: [anna(null)], targets: [annaLms('QQ')], links: linked, config: regions });
    expect(check(c, 'content-region')).toMatchObject({ status: 'warn', detail: 'Anna Berg has no country in Entra, so the content region is Global (QQ).' });
    // A placeholder is no country either, said with what it holds; the dry run does not warn of it.
    const na = diag('anna@contoso.com', { users: [anna('N/A')], targets: [annaLms('QQ')], links: linked, config: regions });
    expect(check(na, 'content-region')).toMatchObject({ status: 'warn', detail: 'Anna Berg has no country in Entra (it says "N/A"), so the content region is Global (QQ).' });
  });

  it('says what the next sync changes, and is absent when no region is written', () => {
    const c = diag('anna@contoso.com', { users: [anna('UK')], targets: [annaLms('QQ')], links: linked, config: regions });
    expect(check(c, 'content-region')).toMatchObject({ status: 'info', detail: expect.stringContaining('"UK" (GB) maps to the content region "GB"; it changes from "QQ" to "GB"') });
    // Not repeated in the attribute check.
    expect(evidence(c, 'attributes')).not.toMatch(/region/i);
    expect(diag('anna@contoso.com', { users: [anna('UK')], targets: [annaLms('QQ')], links: linked, config: planConfig() }).checks.some((k) => k.id === 'content-region')).toBe(false);
    const noField = diag('anna@contoso.com', { users: [anna('UK')], targets: [annaLms('QQ')], links: linked, config: regions, target: { capabilities: capabilities({ vendorAttributes: [] }) } });
    expect(noField.checks.some((k) => k.id === 'content-region')).toBe(false);
  });
});
