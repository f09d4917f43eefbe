import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { MappingSchema } from '../../../src-main/core/config';
import { buildGroupIndex } from '../../../src-main/core/groups';
import { contentRegionFor, contentRegionOf, countryCodeOf, departmentPath, mapUser, mergePermissionTypes, type MappingContext } from '../../../src-main/core/mapping';
import { DEFAULT_VENDOR_NAMESPACE, ScimPath, vendorPath, type TargetJobProfile } from '../../../src-main/core/model';
import { capabilities, group, sourceUser } from '../../../src-main/core/testing/builders';

const ns = DEFAULT_VENDOR_NAMESPACE;
const groups = buildGroupIndex([group('g-admins', 'LMS Admins', [], ['g-leads']), group('g-leads', 'Team Leads', ['u1']), group('g-sellers', 'Sellers', ['u1'])]);

function ctx(mapping: z.input<typeof MappingSchema> = {}, over: Partial<MappingContext> = {}): MappingContext {
  return { mapping: MappingSchema.parse(mapping), capabilities: capabilities(), groups, jobProfiles: null, departments: null, permissionTypes: null, ...over };
}

const anna = sourceUser('u1', {
  displayName: 'Anna Berg',
  givenName: 'Anna',
  surname: 'Berg ',
  mail: null,
  userPrincipalName: 'Anna.Berg@Contoso.com',
  jobTitle: 'Consultant',
  employeeId: 'E-1',
  preferredLanguage: 'sv-SE',
  country: 'Norway',
  usageLocation: 'NO',
  department: 'Sales/EMEA\uFEFF',
  extra: { officeCode: 'STO-1' },
});

describe('mapUser: plain attributes', () => {
  it('maps names, e-mail (UPN when mail is empty), userName and title to SCIM paths', () => {
    const m = mapUser(anna, ctx());
    expect(m.userName).toBe('anna.berg@contoso.com');
    expect(m.email).toBe('anna.berg@contoso.com');
    expect(m.attributes[ScimPath.givenName]).toBe('Anna');
    expect(m.attributes[ScimPath.familyName]).toBe('Berg');
    expect(m.attributes[ScimPath.email]).toBe('anna.berg@contoso.com');
    expect(m.attributes[ScimPath.title]).toBe('Consultant');
    expect(m.attributes[ScimPath.employeeNumber]).toBe('E-1');
    expect(m.notices.map((n) => n.attribute)).toContain('surname');
  });

  it('leaves names alone (not cleared) when Entra has none, but clears an emptied title', () => {
    const m = mapUser({ ...anna, givenName: null, surname: ' ', displayName: null, jobTitle: null }, ctx());
    expect(m.attributes).not.toHaveProperty(ScimPath.givenName);
    expect(m.attributes).not.toHaveProperty(ScimPath.familyName);
    expect(m.attributes).not.toHaveProperty(ScimPath.displayName);
    expect(m.attributes[ScimPath.title]).toBeNull();
  });

  it('prefers mail over UPN for the e-mail', () => {
    expect(mapUser({ ...anna, mail: 'anna@contoso.se' }, ctx()).email).toBe('anna@contoso.se');
  });

  it('writes locale and preferredLanguage from the configured language attribute', () => {
    const m = mapUser(anna, ctx({ languageAttribute: 'officeCode' }));
    expect(m.attributes[ScimPath.locale]).toBe('STO-1');
    expect(m.attributes[ScimPath.preferredLanguage]).toBe('STO-1');
    expect(mapUser(anna, ctx()).attributes[ScimPath.locale]).toBe('sv-SE');
  });

  it('leaves enterprise attributes out when the LMS has no enterprise extension', () => {
    const m = mapUser(anna, ctx({}, { capabilities: capabilities({ enterpriseExtension: false, departments: false }) }));
    expect(m.attributes).not.toHaveProperty(ScimPath.employeeNumber);
    expect(m.attributes).not.toHaveProperty(ScimPath.department);
  });
});

describe('departments', () => {
  it('splits a delimited path and reports the hidden character it removed', () => {
    const m = mapUser(anna, ctx({ department: { pathDelimiter: '/' } }));
    expect(m.attributes[ScimPath.department]).toEqual(['Sales', 'EMEA']);
    expect(m.notices).toContainEqual({ attribute: 'department', raw: 'EMEA\uFEFF', normalised: 'EMEA', found: ['U+FEFF BYTE ORDER MARK'] });
  });

  it('keeps the whole value as one department without a delimiter', () => {
    expect(mapUser(anna, ctx()).attributes[ScimPath.department]).toEqual(['Sales/EMEA']);
  });

  it('reads the department from another attribute when configured', () => {
    expect(mapUser(anna, ctx({ department: { attribute: 'officeCode' } })).attributes[ScimPath.department]).toEqual(['STO-1']);
  });

  it('"unique units" appends a stable unit id, different for equal names in different places', () => {
    const a = departmentPath('Sales/EMEA', '/', true).path ?? [];
    const b = departmentPath('Support/EMEA', '/', true).path ?? [];
    expect(a[0]).toMatch(/^Sales \([0-9a-f]{8}\)$/);
    expect(a[1]).toMatch(/^EMEA \([0-9a-f]{8}\)$/);
    expect(a[1]).not.toBe(b[1]);
    expect(departmentPath('Sales/EMEA', '/', true).path).toEqual(a);
  });

  it('drops empty units ("Sales//EMEA/")', () => {
    expect(departmentPath('Sales//EMEA/', '/', false).path).toEqual(['Sales', 'EMEA']);
  });
});

describe('job profile', () => {
  const profiles: TargetJobProfile[] = [
    { id: 'jp1', name: 'Sales Rep', isDefault: false },
    { id: 'jp2', name: 'Consultant', isDefault: false },
    { id: 'jp3', name: 'Everyone', isDefault: true },
  ];
  const field = vendorPath(ns, 'jobProfile');

  it('uses the value map on the attribute first', () => {
    const m = mapUser(anna, ctx({ jobProfile: { attribute: 'jobTitle', valueMap: [{ value: 'consultant', jobProfile: 'Sales Rep' }] } }, { jobProfiles: profiles }));
    expect(m.attributes[field]).toBe('Sales Rep');
  });

  it('then the group map (nested groups count)', () => {
    const m = mapUser(anna, ctx({ jobProfile: { groupMap: [{ groupId: 'g-admins', jobProfile: 'Everyone' }] } }, { jobProfiles: profiles }));
    expect(m.attributes[field]).toBe('Everyone');
  });

  it('then an LMS job profile with exactly the attribute value as its name', () => {
    expect(mapUser(anna, ctx({ jobProfile: { attribute: 'jobTitle' } }, { jobProfiles: profiles })).attributes[field]).toBe('Consultant');
  });

  it('then the default job profile', () => {
    expect(mapUser(anna, ctx({ jobProfile: { defaultJobProfile: 'Everyone' } }, { jobProfiles: profiles })).attributes[field]).toBe('Everyone');
  });

  it('otherwise leaves the LMS default alone: the attribute is not written', () => {
    expect(mapUser(anna, ctx({}, { jobProfiles: profiles })).attributes).not.toHaveProperty(field);
  });

  it('warns instead of writing a job profile the LMS does not have', () => {
    const m = mapUser(anna, ctx({ jobProfile: { defaultJobProfile: 'Astronaut' } }, { jobProfiles: profiles }));
    expect(m.attributes).not.toHaveProperty(field);
    expect(m.warnings[0]?.code).toBe('job_profile_not_in_lms');
  });

  // The LMS client finds a profile by its exact name, else the first with it in another case or
  // with spaces around (lms/org.ts): the plan writes that one, or it churns or warns wrongly.
  it('is spelled as the LMS client finds it: the exact name first, then another case or spaces around', () => {
    const twins: TargetJobProfile[] = [{ id: 'a', name: 'sales rep', isDefault: false }, { id: 'b', name: 'Sales Rep', isDefault: false }, { id: 'c', name: 'Engineer ', isDefault: false }];
    const named = (defaultJobProfile: string) => mapUser(anna, ctx({ jobProfile: { defaultJobProfile } }, { jobProfiles: twins }));
    expect(named('Sales Rep').attributes[field]).toBe('Sales Rep');
    expect(named('SALES REP').attributes[field]).toBe('sales rep');
    const engineer = named('Engineer');
    expect(engineer.attributes[field]).toBe('Engineer ');
    expect(engineer.warnings).toEqual([]);
    expect(mapUser({ ...anna, jobTitle: 'Sales Rep' }, ctx({ jobProfile: { attribute: 'jobTitle' } }, { jobProfiles: twins })).attributes[field]).toBe('Sales Rep');
  });

  it('is not written when the LMS does not advertise the jobProfile attribute', () => {
    const caps = capabilities({ vendorAttributes: ['contentRegion'] });
    expect(mapUser(anna, ctx({ jobProfile: { defaultJobProfile: 'Everyone' } }, { capabilities: caps })).attributes).not.toHaveProperty(field);
  });
});

describe('permission types', () => {
  const mapping = { permissions: { groupMap: [{ groupId: 'g-admins', permissionType: 'Admin' }, { groupId: 'g-none', permissionType: 'Reporter' }] } };

  it('grants the types whose (nested) group the user is in, and owns every mapped type', () => {
    expect(mapUser(anna, ctx(mapping)).permissions).toEqual({ owned: ['Admin', 'Reporter'], granted: ['Admin'] });
  });

  it('keeps permission types the integration does not own and removes owned ones no longer granted', () => {
    expect(mergePermissionTypes(['Reporter', 'Course Creator'], { owned: ['Admin', 'Reporter'], granted: ['Admin'] })).toEqual(['Admin', 'Course Creator']);
  });

  it("uses the LMS's spelling of a type, and warns about (without granting) a type the LMS lacks", () => {
    const lms = [
      { id: 'p1', name: 'ADMIN' },
      { id: 'p2', name: 'Reporter' },
    ];
    const typo = { permissions: { groupMap: [{ groupId: 'g-admins', permissionType: 'admin' }, { groupId: 'g-sellers', permissionType: 'Sales Lead' }, { groupId: 'g-leads', permissionType: 'Sales Lead' }] } };
    const m = mapUser(anna, ctx(typo, { permissionTypes: lms }));
    expect(m.permissions).toEqual({ owned: ['ADMIN'], granted: ['ADMIN'] });
    // One warning per type, however many of the person's groups map to it.
    expect(m.warnings).toEqual([{ code: 'permission_type_not_in_lms', message: 'The permission type "Sales Lead" does not exist in the LMS, so it is not given; create it in the LMS or correct the permission mapping.' }]);
  });

  it('writes nothing when the mapping has no permission groups', () => {
    expect(mapUser(anna, ctx()).permissions).toBeNull();
  });
});

describe('content region', () => {
  it.each([
    ['GB', 'GB'], ['ES', 'ES'], ['IT', 'ES'], ['MT', 'ES'],
    ['DE', 'DE'], ['BE', 'DE'], ['CH', 'DE'], ['DK', 'DE'], ['RO', 'DE'], ['SI', 'DE'],
    ['US', 'US'], ['CA', 'US'], ['SE', 'SE'], ['NO', 'SE'],
    ['FR', 'QQ'], ['se', 'SE'], ['Norway', 'SE'], ['Atlantis', 'QQ'], [null, 'QQ'], ['', 'QQ'],
    // What admins and HR systems put in Entra's country field besides the ISO code.
    ['UK', 'GB'], ['U.K.', 'GB'], ['England', 'GB'], ['Scotland', 'GB'], ['GBR', 'GB'],
    ['Deutschland', 'DE'], ['germany ', 'DE'], ['DEU', 'DE'], ['Schweiz', 'DE'], ['Suisse', 'DE'], ['België', 'DE'], ['Danmark', 'DE'], ['România', 'DE'],
    ['España', 'ES'], ['Italia', 'ES'], ['Sverige', 'SE'], ['Norge', 'SE'], ['U.S.A.', 'US'], ['United States of America', 'US'], ['Canada', 'US'],
    ['\uFEFFSweden', 'SE'], ['Frankreich', 'QQ'], ['QQ', 'QQ'],
    ['GER', 'DE'], ['SUI', 'DE'], ['ENG', 'GB'], ['SCO', 'GB'], ['NIR', 'GB'], ['ROM', 'DE'], ['Deutschland (DE)', 'DE'], ['England & Wales', 'GB'], ['N. Ireland', 'GB'], ['Northern Ireland (UK)', 'GB'], ['U S A', 'US'],
  ] as const)('%s → %s', (country, region) => {
    expect(contentRegionFor(country)).toBe(region);
  });

  it.each([
    ['FR', 'FR', true], ['France', 'FR', true], ['The Netherlands', 'NL', true], ['Czech Republic', 'CZ', true],
    ['Turkey', 'TR', true], ['Holland', 'NL', true], ['Republic of Ireland', 'IE', true], ['Hong Kong', 'HK', true], ['Korea, Republic of', 'KR', true], ['UAE', 'AE', true],
    // A three-letter code outside the table: a country without a region of its own, not an accident.
    ['FRA', null, true], ['JPN', null, true],
    ['Atlantis', null, false], ['ZZ', null, false], ['EU', null, false], ['UN', null, false], ['Head office', null, false],
    // Two characters that are not letters: no country, and no endless look-up (it used to overflow the stack).
    ['44', null, false], ['??', null, false], ['日本', null, false], ['U2', null, false],
    // Values that say there is none are no country: Global, unwarned.
    [null, null, true], ['  ', null, true], ['N/A', null, true], ['-', null, true], ['Unknown', null, true], ['UNK', null, true], ['XXX', null, true], ['XX', null, true], ['TBC', null, true],
  ] as const)('recognises %s as %s (a country: %s)', (country, code, recognised) => {
    if (country !== null && country.trim() !== '') expect(countryCodeOf(country)).toBe(code);
    expect(contentRegionOf(country).recognised).toBe(recognised);
  });

  it('warns on the op when the country names no country, so the Global region is not a silent accident', () => {
    const field = vendorPath(ns, 'contentRegion');
    const m = mapUser({ ...anna, country: 'Head office' }, ctx({ contentRegion: { enabled: true, attribute: 'country' } }));
    expect(m.attributes[field]).toBe('QQ');
    expect(m.warnings).toEqual([
      {
        code: 'country_not_recognised',
        message: 'Entra\'s country is "Head office", which names no country Rollcall knows, so the content region is Global (QQ). Put a two-letter country code (such as GB, DE or US) or a country\'s name in the country attribute in Entra.',
      },
    ]);
    // A country without a region of its own, or none at all, is Global by the table: no warning.
    expect(mapUser({ ...anna, country: 'France' }, ctx({ contentRegion: { enabled: true, attribute: 'country' } })).warnings).toEqual([]);
    expect(mapUser({ ...anna, country: null }, ctx({ contentRegion: { enabled: true, attribute: 'country' } })).warnings).toEqual([]);
    // Nothing is said when no region is written.
    expect(mapUser({ ...anna, country: 'Head office' }, ctx()).warnings).toEqual([]);
  });

  it('is written only when enabled and advertised by the LMS', () => {
    const field = vendorPath(ns, 'contentRegion');
    expect(mapUser(anna, ctx()).attributes).not.toHaveProperty(field);
    expect(mapUser(anna, ctx({ contentRegion: { enabled: true } })).attributes[field]).toBe('SE');
    expect(mapUser(anna, ctx({ contentRegion: { enabled: true } }, { capabilities: capabilities({ vendorNamespace: null }) })).attributes).not.toHaveProperty(field);
  });
});

describe('custom fields', () => {
  it('fills custom fields 1–3 from any attribute, normalised', () => {
    const m = mapUser({ ...anna, companyName: ' Contoso\u00A0AB' }, ctx({ customFields: { customField1: 'officeCode', customField3: 'companyName' } }));
    expect(m.attributes[vendorPath(ns, 'customField1')]).toBe('STO-1');
    expect(m.attributes[vendorPath(ns, 'customField3')]).toBe('Contoso AB');
    expect(m.attributes).not.toHaveProperty(vendorPath(ns, 'customField2'));
  });
});
