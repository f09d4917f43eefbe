/**
 * The built-in demo tenant: a generated Entra tenant behind the Graph simulator, an LMS
 * simulator that already has a few hand-made accounts (the awkward cases admins really have),
 * and the integration settings that connect the two. Used by `rollcall demo`, `rollcall sim`,
 * the app's "Try with a demo tenant", and the tests.
 *
 * The demo's client secret and LMS token are throwaway values the simulators made up; they are
 * not anyone's credentials.
 */
import type { IntegrationConfigInput } from '../core/config';
import { DEMO_APPS, generateTenant, startGraphSimulator, type GeneratedTenant, type GraphSimulator } from './graph';
import { DEFAULT_SEED, startLmsSimulator, type LmsSeed, type LmsSimulator, type SeedUser } from './lms';

export const DEMO_LMS_TOKEN = 'demo-lms-token-not-a-real-secret';
export const DEMO_DEFAULT_USERS = 2000;

export interface DemoTenant {
  graph: GraphSimulator;
  lms: LmsSimulator;
  tenant: GeneratedTenant;
  /** Integration settings pointing at the two simulators (custom cloud, trusted CA). */
  config: IntegrationConfigInput;
  clientSecret: string;
  lmsToken: string;
  close(): Promise<void>;
}

export interface DemoOptions {
  users?: number;
  seed?: number;
  graphPort?: number;
  lmsPort?: number;
  /** Keep the LMS across restarts (the desktop app's demo). */
  lmsPersistFile?: string;
}

function caseEmail(tenant: GeneratedTenant, key: string): string | null {
  return tenant.cases.find((c) => c.key === key)?.email ?? null;
}

/** LMS accounts that were there before the integration, each telling a troubleshooting story. */
export function demoLmsSeed(tenant: GeneratedTenant): LmsSeed {
  const users: SeedUser[] = [
    // The LMS administrator, made by hand: never owned by the integration, never deactivated.
    { userName: 'lms.admin@contoso.example', givenName: 'Lena', familyName: 'Admin', email: 'lms.admin@contoso.example', department: ['Contoso', 'People'], permissionTypes: ['LMS Administrator'] },
  ];
  const add = (key: string, make: (email: string) => SeedUser[]) => {
    const email = caseEmail(tenant, key);
    if (email) users.push(...make(email));
  };
  // Imported by hand before the integration: matched by e-mail and linked, not duplicated.
  add('nested-group', (email) => [{ userName: email, givenName: 'Anna', familyName: 'Lindqvist', email, department: ['Contoso', 'Sales', 'EMEA'], jobProfile: 'Sales Representative' }]);
  // A manual account under the old address of someone whose e-mail changed: only an alias candidate.
  add('email-changed-old-address', (email) => [{ userName: email, givenName: 'Carla', familyName: 'Oldname', email, department: ['Contoso', 'Sales'] }]);
  // Two LMS accounts for one person, with two spellings of the address.
  add('several-groups', (email) => [
    { userName: email, givenName: 'Max', familyName: 'Multi', email, department: ['Contoso', 'Engineering'] },
    { userName: email.replace(/^max\./, 'maximilian.'), givenName: 'Maximilian', familyName: 'Multi', email: email.replace(/^max\./, 'maximilian.'), otherEmails: [email], department: ['Contoso', 'Engineering'] },
  ]);
  // The account of someone deleted and recreated in Entra: it still carries the old object id.
  const recreated = tenant.cases.find((c) => c.key === 'recreated');
  const oldId = recreated?.userIds[recreated.userIds.length - 1];
  if (recreated && oldId) {
    users.push({ userName: recreated.email, givenName: 'Rita', familyName: 'Recreated', email: recreated.email, externalId: oldId, department: ['Contoso', 'Sales'] });
  }
  // Two Entra accounts share this e-mail; the LMS already has one account for it.
  add('two-accounts-one-email', (email) => [{ userName: email, givenName: 'Sam', familyName: 'Twin', email }]);
  // Made by hand for a contractor whom an exclude rule keeps out: not managed, counted as such.
  add('contractor', (email) => [{ userName: email, givenName: 'Connor', familyName: 'Contract', email, department: ['Contoso', 'Contractors'] }]);
  // A leaver from before Rollcall, deleted from Entra long ago: nobody in Entra has the address.
  users.push({ userName: 'olaf.former@contoso.example', givenName: 'Olaf', familyName: 'Former', email: 'olaf.former@contoso.example', department: ['Contoso', 'Sales'] });
  // The LMS's own "People Managers" group, made by hand with its administrator in it: the demo
  // integration links it by name and adds the managers; the administrator stays.
  return { ...DEFAULT_SEED, users, groups: [{ name: 'People Managers', members: ['lms.admin@contoso.example'] }] };
}

/** Entra settings that reach a Graph simulator: a custom cloud trusting its own CA, the demo app. */
export function simulatorEntraSettings(graph: GraphSimulator): IntegrationConfigInput['source'] {
  return {
    kind: 'entra',
    tenantId: graph.tenantId,
    clientId: DEMO_APPS.main.clientId,
    cloud: 'custom',
    custom: { authorityHost: graph.authorityHost, graphEndpoint: graph.graphEndpoint, caCertPem: graph.caCertPem },
  };
}

export async function startDemoTenant(options: DemoOptions = {}): Promise<DemoTenant> {
  const tenant = generateTenant({ users: options.users ?? DEMO_DEFAULT_USERS, seed: options.seed ?? 2026 });
  const graph = await startGraphSimulator({ tenant: tenant.fixture, port: options.graphPort });
  let lms: LmsSimulator;
  try {
    lms = await startLmsSimulator({ token: DEMO_LMS_TOKEN, seed: demoLmsSeed(tenant), port: options.lmsPort, persistFile: options.lmsPersistFile });
  } catch (err) {
    await graph.close();
    throw err;
  }
  const config: IntegrationConfigInput = {
    name: 'Demo tenant (Contoso)',
    source: simulatorEntraSettings(graph),
    target: { kind: 'scim', baseUrl: lms.baseUrl, concurrency: 8 },
    scope: {
      include: [{ kind: 'group', groupId: tenant.groupIds.allStaff, groupName: 'All Staff' }],
      exclude: [{ kind: 'attribute', attribute: 'department', operator: 'equals', value: 'Contractors' }],
    },
    deactivation: { deactivateUsers: true, useLastDay: true },
    mapping: {
      // The demo LMS's departments sit below its top department, Contoso (as most LMSs have one).
      department: { under: ['Contoso'] },
      jobProfile: { attribute: 'jobTitle', valueMap: [{ value: 'Sales Representative', jobProfile: 'Sales Representative' }, { value: 'Software Engineer', jobProfile: 'Engineer' }], groupMap: [{ groupId: tenant.groupIds.managers, jobProfile: 'People Manager' }] },
      permissions: { groupMap: [{ groupId: tenant.groupIds.managers, permissionType: 'Manager' }, { groupId: tenant.groupIds.allStaff, permissionType: 'Learner' }] },
      contentRegion: { enabled: true, attribute: 'usageLocation' },
      approversFromManager: true,
      // One group the LMS has (linked by its name) and one it gets (created by the first apply).
      pushGroups: [
        { groupId: tenant.groupIds.managers, groupName: 'People Managers', lmsGroup: 'People Managers' },
        { groupId: tenant.groupIds.sales, groupName: 'Sales', lmsGroup: 'Sales team' },
      ],
    },
  };
  return {
    graph,
    lms,
    tenant,
    config,
    clientSecret: DEMO_APPS.main.secret,
    lmsToken: DEMO_LMS_TOKEN,
    async close() {
      await Promise.all([graph.close(), lms.close()]);
    },
  };
}
