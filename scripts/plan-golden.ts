/**
 * Golden check for plan(): runs plan() on a fixed set of tenants (synthetic ones with every kind
 * of awkward case, and the demo tenant built without its simulators) and compares a SHA-256 of
 * each plan's JSON with scripts/plan-golden.json. A speed-up of plan() must not change one byte.
 *
 *   npx tsx scripts/plan-golden.ts           # compare (exit 1 on any difference)
 *   npx tsx scripts/plan-golden.ts --write   # record the current output as golden
 *
 * Full plans are written to $TMPDIR/plan-golden/<case>.json so a difference can be diffed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IntegrationConfigSchema, type IntegrationConfigInput } from '../src-main/core/config';
import { ScimPath, vendorPath, DEFAULT_VENDOR_NAMESPACE, type Link, type SourceUser, type TargetUser } from '../src-main/core/model';
import { plan, type PlanConfig } from '../src-main/core/plan';
import { link, planConfig, sourceSnapshot, targetSnapshot, targetUser, group } from '../src-main/core/testing/builders';
import { prng, syntheticTenant, type SyntheticTenant } from '../src-main/core/testing/synthetic';
import { generateTenant } from '../src-main/demo/graph';
import { demoLmsSeed } from '../src-main/demo/tenant';
import { applyPlanToSnapshot } from '../src-main/core/testing/apply-plan';

const NOW = new Date('2026-11-23T10:00:00Z');
const HERE = path.dirname(new URL(import.meta.url).pathname);
const GOLDEN = path.join(HERE, 'plan-golden.json');
const OUT = path.join(os.tmpdir(), 'plan-golden');

interface Case {
  name: string;
  run: () => unknown;
}

const ns = DEFAULT_VENDOR_NAMESPACE;
const DIRTY = ['Sales / EMEA', 'Sales\uFEFF/EMEA', 'Eng\u200Bineering/ Platform', 'Customer\u00A0Support', 'Marketing  ', '  HR\t/ People', 'Cafe\u0301', 'Café', '', '\u200B', 'Finance//Tax'];
const TITLES = ['Sales Representative', 'sales representative ', 'Software Engineer', 'Engineer', 'Consultant', 'Manager', null, 'Chief\u00A0Executive', 'Unknown Role'];

/** A synthetic tenant with the cases the plain generator lacks: last days, aliases, duplicates, skip list, other integrations. */
function variedTenant(users: number, seed: number, over: Partial<Pick<PlanConfig, 'deactivation'>> & { mapping?: Record<string, unknown>; scope?: Record<string, unknown> } = {}): SyntheticTenant & { others: Link[] } {
  const base = syntheticTenant({ users, seed, linked: 0.5, unlinkedMatches: 0.25, disabled: 0.05, outOfScope: 0.1 });
  const random = prng(seed * 31 + 7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const src: SourceUser[] = base.source.users.map((u, i) => {
    const r = random();
    const v: SourceUser = { ...u, department: pick(DIRTY) || null, jobTitle: pick(TITLES), usageLocation: pick(['GB', 'de', 'Italy', null, 'XX']), preferredLanguage: pick(['en-GB', ' de-DE', null]) };
    if (r < 0.05) v.employeeLeaveDateTime = '2026-10-01T00:00:00Z';
    else if (r < 0.08) v.employeeLeaveDateTime = '2027-01-01T00:00:00Z';
    else if (r < 0.09) v.employeeLeaveDateTime = 'not a date';
    if (random() < 0.03 && i > 0) v.mail = base.source.users[i - 1]?.mail ?? null; // two people on one address
    if (random() < 0.03) v.otherMails = [`user${i + 1}@contoso.com`, `old${i}@contoso.com`];
    if (random() < 0.03) v.proxyAddresses = [`SMTP:${u.mail ?? ''}`, `smtp:alias${i}@contoso.com`, `x500:/o=foo`];
    if (random() < 0.02) v.displayName = `  User\u00A0${i}\uFEFF`;
    if (random() < 0.02) v.managerId = `00000000-0000-4000-8000-${'f'.repeat(12)}`; // manager not in the tenant
    if (random() < 0.01) v.userPrincipalName = `UPN.${i}@Contoso.com`;
    v.employeeId = random() < 0.5 ? `E${i}` : null;
    v.extra = { costCenter: random() < 0.5 ? `CC-${i % 13}` : null };
    return v;
  });
  const tgt: TargetUser[] = base.target.users.map((t, i) => {
    const r = random();
    const attributes = { ...t.attributes };
    if (r < 0.2) attributes[vendorPath(ns, 'permissionTypes')] = pick([['Learner'], ['LMS Administrator', 'learner'], ['Manager']]);
    if (r < 0.1) attributes[ScimPath.manager] = 'USER3@contoso.com';
    if (r < 0.05) attributes[vendorPath(ns, 'approvers')] = ['user3@contoso.com'];
    if (random() < 0.05) attributes[ScimPath.givenName] = 'user';
    return { ...t, active: random() >= 0.05, externalId: random() < 0.01 ? `00000000-0000-4000-8000-${(i + 7).toString(16).padStart(12, '0')}` : t.externalId, attributes };
  });
  // Hand-made accounts, an account another integration claims, a stale link.
  tgt.push(targetUser('manual-1', { userName: 'old5@contoso.com' }), targetUser('manual-2', { userName: 'user7@contoso.com', emails: ['user7@contoso.com'] }));
  const links = [...base.links, link(src[9]?.id ?? '', 'lms-gone-1'), link(src[11]?.id ?? '', 'lms-11', 'int-2')];
  const others = [link(src[12]?.id ?? '', 'lms-12', 'int-3'), link('someone-else', 'lms-13', 'int-3')];
  const groups = [...base.source.groups, group('g-mgr', 'Managers', src.filter((_, i) => i % 17 === 0).map((u) => u.id)), group('g-x', 'Excluded', src.filter((_, i) => i % 41 === 0).map((u) => u.id))];
  const config = planConfig({
    scope: {
      include: [{ kind: 'group', groupId: 'g-all', groupName: 'All Staff' }, { kind: 'attribute', attribute: 'department', operator: 'startsWith', value: 'fin' }],
      exclude: [{ kind: 'group', groupId: 'g-x' }, { kind: 'attribute', attribute: 'jobTitle', operator: 'equals', value: 'Unknown Role' }, { kind: 'user', value: src[20]?.mail ?? 'x' }],
      skipList: [src[30]?.id ?? '', 'user40@contoso.com', 'USER50@CONTOSO.COM'],
      ...over.scope,
    },
    deactivation: { deactivateUsers: true, useLastDay: true, thresholdCount: 50, thresholdPercent: 5, ...over.deactivation },
    mapping: {
      department: { attribute: 'department', pathDelimiter: '/', uniqueUnits: seed % 2 === 0 },
      jobProfile: { attribute: 'jobTitle', valueMap: [{ value: 'Sales Representative', jobProfile: 'Sales Rep' }, { value: 'Software Engineer', jobProfile: 'Engineer' }], groupMap: [{ groupId: 'g-mgr', jobProfile: 'People Manager' }], defaultJobProfile: seed % 3 === 0 ? 'Employee' : null },
      permissions: { groupMap: [{ groupId: 'g-mgr', permissionType: 'Manager' }, { groupId: 'g-all', permissionType: 'Learner' }] },
      contentRegion: { enabled: true, attribute: 'usageLocation' },
      customFields: { customField1: 'employeeId', customField2: 'costCenter', customField3: null },
      approversFromManager: true,
      changeDepartments: seed % 2 === 1,
      ...over.mapping,
    },
  });
  const target = targetSnapshot(tgt, {
    departments: [{ id: 'd1', name: 'Sales', parentId: null }, { id: 'd2', name: 'EMEA', parentId: 'd1' }, { id: 'd3', name: 'Engineering', parentId: null }],
    jobProfiles: [{ id: 'j1', name: 'Employee', isDefault: true }, { id: 'j2', name: 'Engineer', isDefault: false }, { id: 'j3', name: 'People Manager', isDefault: false }, { id: 'j4', name: 'Consultant', isDefault: false }],
  });
  return { source: sourceSnapshot(src, groups), target, links, config, others };
}

function runVaried(t: ReturnType<typeof variedTenant>): unknown {
  return plan(t.source, t.target, t.config, t.links, NOW, t.others);
}

/** The demo tenant (src-main/demo) as snapshots, without the simulators: users and seed accounts mapped field by field. */
function demoCase(users: number, seed: number): unknown {
  const gen = generateTenant({ users, seed, now: NOW });
  const src = gen.fixture.users.map((u): SourceUser => ({ ...u, extra: u.extra as SourceUser['extra'] }));
  const lms = demoLmsSeed(gen);
  const tgt = lms.users.map((s, i): TargetUser => {
    const attributes: TargetUser['attributes'] = { [ScimPath.givenName]: s.givenName, [ScimPath.familyName]: s.familyName };
    if (s.department) attributes[ScimPath.department] = s.department;
    if (s.jobProfile) attributes[vendorPath(ns, 'jobProfile')] = s.jobProfile;
    if (s.permissionTypes) attributes[vendorPath(ns, 'permissionTypes')] = s.permissionTypes;
    if (s.contentRegion) attributes[vendorPath(ns, 'contentRegion')] = s.contentRegion;
    if (s.manager) attributes[ScimPath.manager] = s.manager;
    return targetUser(`seed-${i}`, { userName: s.userName, emails: [s.email, ...(s.otherEmails ?? [])], externalId: s.externalId ?? null, active: s.active ?? true, attributes });
  });
  const input: IntegrationConfigInput = {
    name: 'Demo',
    source: { kind: 'entra', tenantId: gen.fixture.tenantId, clientId: '00000000-0000-4000-8000-000000000001' },
    target: { kind: 'scim', baseUrl: 'https://lms.example/scim/v2' },
    scope: {
      include: [{ kind: 'group', groupId: gen.groupIds.allStaff, groupName: 'All Staff' }],
      exclude: [{ kind: 'attribute', attribute: 'department', operator: 'equals', value: 'Contractors' }],
    },
    deactivation: { deactivateUsers: true, useLastDay: true },
    mapping: {
      jobProfile: { attribute: 'jobTitle', valueMap: [{ value: 'Sales Representative', jobProfile: 'Sales Representative' }, { value: 'Software Engineer', jobProfile: 'Engineer' }], groupMap: [{ groupId: gen.groupIds.managers, jobProfile: 'People Manager' }] },
      permissions: { groupMap: [{ groupId: gen.groupIds.managers, permissionType: 'Manager' }, { groupId: gen.groupIds.allStaff, permissionType: 'Learner' }] },
      contentRegion: { enabled: true, attribute: 'usageLocation' },
      approversFromManager: true,
    },
  };
  const parsed = IntegrationConfigSchema.parse(input);
  const config: PlanConfig = { id: 'demo', scope: parsed.scope, deactivation: parsed.deactivation, mapping: parsed.mapping };
  const source = sourceSnapshot(src, gen.fixture.groups.map((g) => group(g.id, g.displayName, g.memberUserIds, g.memberGroupIds)));
  const departments = lms.departments.map((p, i) => ({ id: `dep-${i}`, name: p[p.length - 1] ?? '', parentId: null as string | null }));
  lms.departments.forEach((p, i) => {
    const parent = lms.departments.findIndex((q) => q.join('/') === p.slice(0, -1).join('/'));
    if (parent >= 0 && departments[i]) departments[i].parentId = `dep-${parent}`;
  });
  const jobProfiles = lms.jobProfiles.map((j, i) => ({ id: `jp-${i}`, name: j.name, isDefault: j.isDefault ?? false }));
  const target = targetSnapshot(tgt, { departments, jobProfiles });
  const first = plan(source, target, config, [], NOW);
  const applied = applyPlanToSnapshot(first, target, []);
  const second = plan(source, applied.target, config, applied.links, new Date(NOW.getTime() + 40 * 86_400_000));
  return { first, second };
}

const cases: Case[] = [
  ...[[2000, 1], [5000, 3], [3000, 11]].map(([users, seed]): Case => ({
    name: `synthetic-${users}-seed${seed}`,
    run: () => {
      const t = syntheticTenant({ users: users as number, seed });
      const first = plan(t.source, t.target, t.config, t.links, NOW);
      const applied = applyPlanToSnapshot(first, t.target, t.links);
      return { first, second: plan(t.source, applied.target, t.config, applied.links, NOW) };
    },
  })),
  { name: 'synthetic-first-sync-4000', run: () => { const t = syntheticTenant({ users: 4000, seed: 5, linked: 0, unlinkedMatches: 0.9 }); return plan(t.source, t.target, { ...t.config, mapping: { ...t.config.mapping, approversFromManager: true } }, t.links, NOW); } },
  { name: 'varied-3000-seed2', run: () => runVaried(variedTenant(3000, 2)) },
  { name: 'varied-4000-seed3', run: () => runVaried(variedTenant(4000, 3)) },
  { name: 'varied-2500-seed5-no-deactivation', run: () => runVaried(variedTenant(2500, 5, { deactivation: { deactivateUsers: false, useLastDay: false, thresholdCount: 500, thresholdPercent: 10 }, mapping: { changeJobProfiles: false, changePermissions: false, manager: false } })) },
  { name: 'varied-2000-seed8-everyone', run: () => runVaried(variedTenant(2000, 8, { scope: { include: [], exclude: [] }, mapping: { department: { attribute: 'department', pathDelimiter: null, uniqueUnits: true } } })) },
  {
    name: 'varied-2000-seed4-incomplete',
    run: () => {
      const t = variedTenant(2000, 4);
      return [
        plan({ ...t.source, complete: false, incompleteReason: 'cut short' }, t.target, t.config, t.links, NOW, t.others),
        plan(t.source, { ...t.target, complete: false, incompleteReason: 'page 3 failed', departments: null, jobProfiles: null }, t.config, t.links, NOW, t.others),
        plan(t.source, { ...t.target, capabilities: { ...t.target.capabilities, enterpriseExtension: false, vendorNamespace: null, vendorAttributes: [] } }, t.config, t.links, NOW, t.others),
      ];
    },
  },
  {
    name: 'synthetic-3000-managers-moved',
    run: () => {
      const t = syntheticTenant({ users: 3000, seed: 13 });
      const first = plan(t.source, t.target, t.config, t.links, NOW);
      const applied = applyPlanToSnapshot(first, t.target, t.links);
      // Only managers change: relations ops for people with no users-phase op.
      const users = t.source.users.map((u, i) => (i % 7 === 0 ? { ...u, managerId: i % 21 === 0 ? null : (t.source.users[(i * 13) % 50]?.id ?? null) } : u));
      return plan({ ...t.source, users }, applied.target, { ...t.config, mapping: { ...t.config.mapping, approversFromManager: true } }, applied.links, NOW);
    },
  },
  {
    name: 'varied-2000-seed6-damaged',
    run: () => {
      const t = variedTenant(2000, 6);
      const users = t.source.users;
      // A damaged store and odd reads: two people linked to one account, one link twice, a
      // repeated Entra id (once disabled), a repeated LMS id.
      const links = [...t.links, link(users[100]?.id ?? '', 'lms-101'), t.links[5] as Link, link(users[102]?.id ?? '', 'lms-102')];
      const twin = { ...(users[103] as SourceUser), accountEnabled: false };
      const twin2 = { ...(users[104] as SourceUser), displayName: 'Second of 104' };
      const dupTarget = t.target.users.find((u) => u.id === 'lms-105');
      const target = { ...t.target, users: [...t.target.users, ...(dupTarget ? [{ ...dupTarget, userName: 'dup105@contoso.com', emails: ['dup105@contoso.com'] }] : [])] };
      return plan({ ...t.source, users: [...users, twin, twin2] }, target, t.config, links, NOW, t.others);
    },
  },
  { name: 'demo-2000-seed2026', run: () => demoCase(2000, 2026) },
  { name: 'demo-600-seed7', run: () => demoCase(600, 7) },
];

const write = process.argv.includes('--write');
mkdirSync(OUT, { recursive: true });
const hashes: Record<string, string> = {};
for (const c of cases) {
  const text = JSON.stringify(c.run(), null, 1);
  writeFileSync(path.join(OUT, `${c.name}.json`), text);
  hashes[c.name] = createHash('sha256').update(text).digest('hex');
}
if (write) {
  writeFileSync(GOLDEN, `${JSON.stringify(hashes, null, 2)}\n`);
  process.stdout.write(`recorded ${cases.length} golden plans in ${GOLDEN}\n`);
} else {
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, string>;
  let bad = 0;
  for (const [name, hash] of Object.entries(hashes)) {
    const ok = golden[name] === hash;
    if (!ok) bad++;
    process.stdout.write(`${ok ? 'same     ' : 'DIFFERENT'} ${name}\n`);
  }
  if (Object.keys(golden).length !== cases.length) bad++;
  process.stdout.write(bad === 0 ? `all ${cases.length} plans byte-identical (full output in ${OUT})\n` : `${bad} plan(s) differ; full output in ${OUT}\n`);
  process.exit(bad === 0 ? 0 : 1);
}
