/**
 * Seeded demo tenants of any size with the awkward cases real tenants have. Each case is tied to
 * a well-known e-mail so tests, the demo and the troubleshooting page can point at it.
 * Generation is one linear pass: 100,000 users take well under a second or two.
 */
import { createRng, type Rng } from './prng';

/** A user as the simulator stores it: Graph property names, raw values. */
export interface FixtureUser {
  id: string;
  accountEnabled: boolean;
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  userPrincipalName: string;
  otherMails: string[];
  proxyAddresses: string[];
  department: string | null;
  jobTitle: string | null;
  companyName: string | null;
  employeeType: string | null;
  employeeId: string | null;
  country: string | null;
  usageLocation: string | null;
  preferredLanguage: string | null;
  officeLocation: string | null;
  employeeLeaveDateTime: string | null;
  createdDateTime: string | null;
  managerId: string | null;
  /** Any other Graph property (extension attributes, onPremisesExtensionAttributes). */
  extra: Record<string, unknown>;
}

export interface FixtureGroup {
  id: string;
  displayName: string;
  description: string | null;
  securityEnabled: boolean;
  memberUserIds: string[];
  memberGroupIds: string[];
}

export interface FixtureSecret {
  /** The Secret ID (a GUID) the portal shows next to the value. */
  id: string;
  value: string;
  expiresOn: string;
}

export interface FixtureApp {
  clientId: string;
  displayName: string;
  secrets: FixtureSecret[];
  /** Application permissions with admin consent: they become the token's roles. */
  roles: string[];
}

export interface Fixture {
  tenantId: string;
  /** Verified domain; sign-in by domain works as well as by tenant GUID. */
  domain: string;
  users: FixtureUser[];
  groups: FixtureGroup[];
  apps: FixtureApp[];
  /** Users deleted before "now" (e.g. the old account of a recreated user): not listed by Graph. */
  deletedUsers: FixtureUser[];
}

export interface NamedCase {
  key: string;
  /** The e-mail an admin would type into "Troubleshoot user". */
  email: string;
  /** Entra object ids involved (current accounts first, deleted ones last). */
  userIds: string[];
  story: string;
}

export const MAIL_DOMAIN = 'contoso.example';
export const ALL_PERMISSIONS = ['User.Read.All', 'Group.Read.All', 'User-LifecycleInfo.Read.All'];

/** App registrations present in every generated tenant, one per sign-in story. */
export const DEMO_APPS = {
  /** Everything right: the demo integration uses this one. */
  main: { clientId: '3f1c2a9e-5b7d-4e21-9a0c-6d8e4b2f1a01', secret: 'Rq18Q~demo.Value-Not.A.Real.Secret-7xK2pLm', secretId: '9b2e7c41-0d3f-4a6b-8e15-2c7f9a1d3b01' },
  /** Its only secret expired last month (AADSTS7000222). */
  expiredSecret: { clientId: '3f1c2a9e-5b7d-4e21-9a0c-6d8e4b2f1a02', secret: 'Xp27Q~expired.Value-For.Demo-Only-3hQ9zWv', secretId: '9b2e7c41-0d3f-4a6b-8e15-2c7f9a1d3b02' },
  /** Consent given for users and groups but not for Last Day (User-LifecycleInfo.Read.All). */
  noLifecycle: { clientId: '3f1c2a9e-5b7d-4e21-9a0c-6d8e4b2f1a03', secret: 'Mn45Q~nolifecycle.Value-Demo-Only-8rT4yUx', secretId: '9b2e7c41-0d3f-4a6b-8e15-2c7f9a1d3b03' },
  /** Permissions added but admin consent never granted: the token has no roles. */
  noConsent: { clientId: '3f1c2a9e-5b7d-4e21-9a0c-6d8e4b2f1a04', secret: 'Kd63Q~noconsent.Value-Demo-Only-5vB1nMz', secretId: '9b2e7c41-0d3f-4a6b-8e15-2c7f9a1d3b04' },
} as const;

/** Well-known group names (display names); ids are in the generated fixture. */
export const GROUP_NAMES = {
  allStaff: 'All Staff',
  sales: 'Sales',
  salesEmea: 'Sales EMEA',
  salesAmericas: 'Sales Americas',
  engineering: 'Engineering',
  support: 'Customer Support',
  marketing: 'Marketing',
  finance: 'Finance',
  managers: 'People Managers',
  contractors: 'Contractors',
} as const;

export const COST_CENTER_ATTRIBUTE = 'extension_5d1b2f3a9c8e4a7b9f0e1d2c3b4a5968_costCenter';

const FIRST = ['Anna', 'Ben', 'Chloe', 'David', 'Elif', 'Farah', 'Gustav', 'Hana', 'Ivan', 'Julia', 'Kofi', 'Lena', 'Mateo', 'Nora', 'Oskar', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tove', 'Umar', 'Vera', 'Wei', 'Ximena', 'Yusuf', 'Zoe'];
const LAST = ['Andersen', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Hansen', 'Ito', 'Jensen', 'Kowalski', 'Larsen', 'Müller', 'Nielsen', 'O\'Brien', 'Petrov', 'Quist', 'Rossi', 'Schmidt', 'Tanaka', 'Ulla', 'Virtanen', 'Wong', 'Xu', 'Yilmaz', 'Zhang'];
const COUNTRIES: Array<[string, string, string]> = [
  ['Denmark', 'DK', 'da-DK'], ['Sweden', 'SE', 'sv-SE'], ['Germany', 'DE', 'de-DE'], ['United Kingdom', 'GB', 'en-GB'],
  ['United States', 'US', 'en-US'], ['Spain', 'ES', 'es-ES'], ['Italy', 'IT', 'it-IT'], ['Norway', 'NO', 'nb-NO'], ['Canada', 'CA', 'en-CA'], ['Poland', 'PL', 'pl-PL'],
];
const TITLES: Record<string, string[]> = {
  Sales: ['Account Executive', 'Sales Manager', 'Sales Development Rep'],
  Engineering: ['Software Engineer', 'Senior Software Engineer', 'Engineering Manager'],
  'Customer Support': ['Support Specialist', 'Support Lead'],
  Marketing: ['Marketing Specialist', 'Content Manager'],
  Finance: ['Accountant', 'Controller'],
};
const DEPARTMENTS = ['Sales', 'Engineering', 'Customer Support', 'Marketing', 'Finance'];
/** How hidden characters sneak into department names in real tenants (CSV imports, copy-paste). */
const DIRTY: Array<(d: string) => string> = [(d) => `\uFEFF${d}`, (d) => `${d.slice(0, 2)}\u200B${d.slice(2)}`, (d) => d.replace(' ', '\u00A0') + (d.includes(' ') ? '' : '\u00A0'), (d) => `${d}  `];

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function localPart(first: string, last: string): string {
  return `${first}.${last}`
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
}

interface Ctx {
  rng: Rng;
  domain: string;
  nowMs: number;
}

function baseUser(ctx: Ctx, first: string, last: string, local: string, department: string | null, countryIdx: number | null): FixtureUser {
  const country = countryIdx === null ? null : COUNTRIES[countryIdx] ?? null;
  const mail = `${local}@${MAIL_DOMAIN}`;
  return {
    id: ctx.rng.guid(),
    accountEnabled: true,
    displayName: `${first} ${last}`,
    givenName: first,
    surname: last,
    mail,
    userPrincipalName: `${local}@${ctx.domain}`,
    otherMails: [],
    proxyAddresses: [`SMTP:${mail}`],
    department,
    jobTitle: department ? ctx.rng.pick(TITLES[department.trim()] ?? ['Specialist']) : null,
    companyName: 'Contoso',
    employeeType: 'Employee',
    employeeId: String(100000 + ctx.rng.int(900000)),
    country: country?.[0] ?? null,
    usageLocation: country?.[1] ?? null,
    preferredLanguage: country?.[2] ?? null,
    officeLocation: country ? `${country[0]} office` : null,
    employeeLeaveDateTime: null,
    createdDateTime: iso(Date.UTC(2019, 0, 1) + ctx.rng.int(5 * 365) * 86_400_000),
    managerId: null,
    extra: { [COST_CENTER_ATTRIBUTE]: `CC-${1000 + ctx.rng.int(40)}` },
  };
}

export interface GenerateOptions {
  users: number;
  seed: number;
  /** "Today" for leave dates (past / future). Default: the current time. */
  now?: Date;
}

export interface GeneratedTenant {
  fixture: Fixture;
  cases: NamedCase[];
  /** Group ids by the keys of GROUP_NAMES. */
  groupIds: Record<keyof typeof GROUP_NAMES, string>;
}

export function generateTenant(options: GenerateOptions): GeneratedTenant {
  const rng = createRng(options.seed);
  const nowMs = (options.now ?? new Date()).getTime();
  const domain = 'contoso-demo.onmicrosoft.com';
  const ctx: Ctx = { rng, domain, nowMs };
  const tenantId = rng.guid();

  const groupIds = Object.fromEntries(Object.keys(GROUP_NAMES).map((k) => [k, rng.guid()])) as Record<keyof typeof GROUP_NAMES, string>;
  const groups = new Map<string, FixtureGroup>();
  for (const [key, name] of Object.entries(GROUP_NAMES) as Array<[keyof typeof GROUP_NAMES, string]>) {
    groups.set(groupIds[key], { id: groupIds[key], displayName: name, description: `${name} (demo)`, securityEnabled: true, memberUserIds: [], memberGroupIds: [] });
  }
  const g = (key: keyof typeof GROUP_NAMES): FixtureGroup => groups.get(groupIds[key]) as FixtureGroup;
  // All Staff → department groups; Sales → Sales EMEA / Sales Americas (three levels deep).
  g('allStaff').memberGroupIds.push(groupIds.sales, groupIds.engineering, groupIds.support, groupIds.marketing, groupIds.finance);
  g('sales').memberGroupIds.push(groupIds.salesEmea, groupIds.salesAmericas);
  const deptGroup: Record<string, keyof typeof GROUP_NAMES> = { Sales: 'sales', Engineering: 'engineering', 'Customer Support': 'support', Marketing: 'marketing', Finance: 'finance' };
  const EMEA = new Set(['DK', 'SE', 'DE', 'GB', 'ES', 'IT', 'NO', 'PL']);

  const users: FixtureUser[] = [];
  const deletedUsers: FixtureUser[] = [];
  const cases: NamedCase[] = [];
  const place = (u: FixtureUser): void => {
    users.push(u);
    const dept = (u.department ?? '').replace(/[\uFEFF\u200B\u00A0]/g, (c) => (c === '\u00A0' ? ' ' : '')).trim();
    const key = deptGroup[dept];
    if (u.employeeType === 'Contractor') g('contractors').memberUserIds.push(u.id);
    else if (key === 'sales') g(u.usageLocation && EMEA.has(u.usageLocation) ? 'salesEmea' : 'salesAmericas').memberUserIds.push(u.id);
    else if (key) g(key).memberUserIds.push(u.id);
  };
  const named = (key: string, story: string, u: FixtureUser, more: string[] = []): void => {
    cases.push({ key, email: u.mail ?? u.userPrincipalName, userIds: [u.id, ...more], story });
  };

  // The boss: top of the manager chain, directly in All Staff.
  const ceo = baseUser(ctx, 'Helena', 'Strand', 'helena.strand', null, 0);
  ceo.jobTitle = 'Chief Executive Officer';
  users.push(ceo);
  g('allStaff').memberUserIds.push(ceo.id);
  g('managers').memberUserIds.push(ceo.id);
  named('no-manager', 'Top of the organisation: has no manager, directly in All Staff.', ceo);

  const anna = baseUser(ctx, 'Anna', 'Lindqvist', 'anna.lindqvist', 'Sales', 1);
  anna.managerId = ceo.id;
  place(anna);
  named('nested-group', 'In Sales EMEA, which is in Sales, which is in All Staff: in scope through two levels of nesting.', anna);

  const dirtyCases: Array<[string, string, string, string]> = [
    ['bom-department', 'Bo', 'Mark', 'Department is "Sales" with an invisible byte-order mark (U+FEFF) in front, so it looks right but does not match.'],
    ['zero-width-department', 'Zane', 'Width', 'Department "Engineering" has a zero-width space (U+200B) inside it.'],
    ['nbsp-department', 'Nina', 'Space', 'Department "Customer Support" has a non-breaking space (U+00A0) instead of a normal space.'],
    ['trailing-space-department', 'Trish', 'Trail', 'Department "Marketing" has two trailing spaces.'],
  ];
  const dirtyDepts = ['\uFEFFSales', 'En\u200Bgineering', 'Customer\u00A0Support', 'Marketing  '];
  dirtyCases.forEach(([key, first, last, story], i) => {
    const u = baseUser(ctx, first, last, localPart(first, last), dirtyDepts[i] as string, 2);
    u.managerId = ceo.id;
    place(u);
    named(key, story, u);
  });

  const disabled = baseUser(ctx, 'Dana', 'Disabled', 'dana.disabled', 'Finance', 3);
  disabled.accountEnabled = false;
  disabled.managerId = ceo.id;
  place(disabled);
  named('disabled', 'Account disabled in Entra (sign-in blocked) but still in the Finance group.', disabled);

  const leftPast = baseUser(ctx, 'Liam', 'Leaver', 'liam.leaver', 'Engineering', 0);
  leftPast.employeeLeaveDateTime = iso(nowMs - 10 * 86_400_000);
  leftPast.managerId = ceo.id;
  place(leftPast);
  named('leave-date-past', 'Last Day (employeeLeaveDateTime) was 10 days ago; the account is still enabled.', leftPast);

  const leftFuture = baseUser(ctx, 'Freya', 'Future', 'freya.future', 'Marketing', 1);
  leftFuture.employeeLeaveDateTime = iso(nowMs + 30 * 86_400_000);
  leftFuture.managerId = ceo.id;
  place(leftFuture);
  named('leave-date-future', 'Last Day is in 30 days: active until then.', leftFuture);

  const multi = baseUser(ctx, 'Max', 'Multi', 'max.multi', 'Sales', 3);
  multi.managerId = ceo.id;
  place(multi);
  g('engineering').memberUserIds.push(multi.id);
  g('managers').memberUserIds.push(multi.id);
  named('several-groups', 'Member of Sales EMEA, Engineering and People Managers at once.', multi);

  const changed = baseUser(ctx, 'Carla', 'Newname', 'carla.newname', 'Finance', 2);
  const oldMail = `carla.oldname@${MAIL_DOMAIN}`;
  changed.proxyAddresses = [`SMTP:${changed.mail}`, `smtp:${oldMail}`];
  changed.otherMails = [oldMail];
  changed.managerId = ceo.id;
  place(changed);
  named('email-changed', `E-mail changed from ${oldMail} (kept as an alias) after marriage; the LMS may still know the old one.`, changed);
  cases.push({ key: 'email-changed-old-address', email: oldMail, userIds: [changed.id], story: 'The old address of Carla Newname: only an alias now.' });

  const recreatedOld = baseUser(ctx, 'Rita', 'Recreated', 'rita.recreated', 'Customer Support', 0);
  recreatedOld.createdDateTime = iso(Date.UTC(2020, 2, 1));
  deletedUsers.push(recreatedOld);
  const recreated = baseUser(ctx, 'Rita', 'Recreated', 'rita.recreated', 'Customer Support', 0);
  recreated.createdDateTime = iso(nowMs - 20 * 86_400_000);
  recreated.managerId = ceo.id;
  place(recreated);
  named('recreated', 'Deleted and created again with the same e-mail: a new object id, the LMS account still carries the old one.', recreated, [recreatedOld.id]);

  const twin1 = baseUser(ctx, 'Sam', 'Twin', 'sam.twin', 'Engineering', 2);
  const twin2 = baseUser(ctx, 'Sam', 'Twin', 'sam.twin.admin', 'Engineering', 2);
  twin2.displayName = 'Sam Twin (admin)';
  twin2.mail = twin1.mail;
  twin2.proxyAddresses = [];
  twin1.managerId = ceo.id;
  twin2.managerId = ceo.id;
  place(twin1);
  place(twin2);
  named('two-accounts-one-email', 'Two Entra accounts (normal and admin) both have the e-mail sam.twin@: which one is the learner?', twin1, [twin2.id]);

  const alias = baseUser(ctx, 'Alex', 'Alias', 'alex.alias', 'Marketing', 1);
  alias.otherMails = [`alex@${MAIL_DOMAIN}`];
  alias.proxyAddresses = [`SMTP:${alias.mail}`, `smtp:alex@${MAIL_DOMAIN}`, `smtp:a.alias@${MAIL_DOMAIN}`];
  alias.managerId = ceo.id;
  place(alias);
  named('aliases', 'Known by several addresses (alex@, a.alias@) besides the primary e-mail.', alias);

  const noCountry = baseUser(ctx, 'Nils', 'Nowhere', 'nils.nowhere', 'Engineering', null);
  noCountry.managerId = ceo.id;
  place(noCountry);
  named('missing-country', 'No country or usage location set: content region falls back to the default (QQ).', noCountry);

  const contractor = baseUser(ctx, 'Connor', 'Contract', 'connor.contract', 'Contractors', 4);
  contractor.employeeType = 'Contractor';
  contractor.companyName = 'Temp Staffing Ltd';
  contractor.managerId = anna.id;
  place(contractor);
  named('contractor', 'Department "Contractors" and in the Contractors group: the usual exclude rule keeps him out. The LMS has an account made for him by hand, which no integration manages.', contractor);

  // Everyone else: plain, with a sprinkle of the same problems at scale.
  const managers: string[] = [ceo.id, anna.id, multi.id];
  const total = Math.max(options.users, users.length);
  for (let i = users.length; i < total; i++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    let dept = rng.pick(DEPARTMENTS);
    if (rng.chance(0.01)) dept = rng.pick(DIRTY)(dept);
    const u = baseUser(ctx, first, last, `${localPart(first, last)}.${i}`, dept, rng.chance(0.02) ? null : rng.int(COUNTRIES.length));
    if (rng.chance(0.03)) u.accountEnabled = false;
    if (rng.chance(0.03)) {
      u.employeeType = 'Contractor';
      u.department = 'Contractors';
    }
    if (rng.chance(0.01)) u.employeeLeaveDateTime = iso(nowMs + (rng.int(120) - 60) * 86_400_000);
    if (rng.chance(0.05)) u.otherMails = [`${localPart(first, last)}.${i}@personal.example`];
    // Most people have a manager, always someone created before them (no loops).
    if (!rng.chance(0.05)) u.managerId = managers[rng.int(managers.length)] ?? ceo.id;
    if (rng.chance(0.08)) {
      managers.push(u.id);
      g('managers').memberUserIds.push(u.id);
    }
    place(u);
  }

  const apps: FixtureApp[] = [
    { clientId: DEMO_APPS.main.clientId, displayName: 'Rollcall', roles: [...ALL_PERMISSIONS], secrets: [{ id: DEMO_APPS.main.secretId, value: DEMO_APPS.main.secret, expiresOn: iso(nowMs + 365 * 86_400_000) }] },
    { clientId: DEMO_APPS.expiredSecret.clientId, displayName: 'Rollcall (old secret)', roles: [...ALL_PERMISSIONS], secrets: [{ id: DEMO_APPS.expiredSecret.secretId, value: DEMO_APPS.expiredSecret.secret, expiresOn: iso(nowMs - 30 * 86_400_000) }] },
    { clientId: DEMO_APPS.noLifecycle.clientId, displayName: 'Rollcall (no Last Day)', roles: ['User.Read.All', 'Group.Read.All'], secrets: [{ id: DEMO_APPS.noLifecycle.secretId, value: DEMO_APPS.noLifecycle.secret, expiresOn: iso(nowMs + 365 * 86_400_000) }] },
    { clientId: DEMO_APPS.noConsent.clientId, displayName: 'Rollcall (no consent)', roles: [], secrets: [{ id: DEMO_APPS.noConsent.secretId, value: DEMO_APPS.noConsent.secret, expiresOn: iso(nowMs + 365 * 86_400_000) }] },
  ];

  return { fixture: { tenantId, domain, users, groups: [...groups.values()], apps, deletedUsers }, cases, groupIds };
}

/** The named cases with their stories (ids differ per seed; e-mails and stories do not). */
export const NAMED_CASES: ReadonlyArray<Omit<NamedCase, 'userIds'>> = generateTenant({ users: 0, seed: 1, now: new Date(0) }).cases.map(
  ({ key, email, story }) => ({ key, email, story }),
);
