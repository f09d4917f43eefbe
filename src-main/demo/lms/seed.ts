/**
 * What the simulated LMS holds before Rollcall ever runs: an organisation (departments, job
 * profiles with a default, permission types) and users an admin created by hand — including
 * the two situations the troubleshooting articles are about: a manual account under an OLD
 * e-mail, and two accounts for one person.
 */
import { randomUUID } from 'node:crypto';
import { ENTERPRISE_USER } from '../../core/model';
import type { Json, LmsStore, OrgItem } from './store';

export interface SeedUser {
  userName: string;
  givenName: string;
  familyName: string;
  email: string;
  otherEmails?: string[];
  externalId?: string;
  active?: boolean;
  /** Path of department names; created when missing. */
  department?: string[];
  jobProfile?: string;
  permissionTypes?: string[];
  contentRegion?: string;
  /** userName of the manager (must be seeded earlier in the list). */
  manager?: string;
}

export interface LmsSeed {
  departments: string[][];
  jobProfiles: Array<{ name: string; isDefault?: boolean }>;
  permissionTypes: string[];
  users: SeedUser[];
  /** Extra generated users (user00001@example.com …), for demos and benchmarks. */
  generatedUsers?: number;
  /** Groups an admin made by hand, with members by userName (seeded earlier in the list). */
  groups?: Array<{ name: string; members: string[] }>;
}

export const EMPTY_SEED: LmsSeed = { departments: [], jobProfiles: [], permissionTypes: [], users: [] };

export const DEFAULT_SEED: LmsSeed = {
  departments: [['Contoso'], ['Contoso', 'Sales'], ['Contoso', 'Sales', 'EMEA'], ['Contoso', 'Engineering'], ['Contoso', 'People']],
  jobProfiles: [{ name: 'Employee', isDefault: true }, { name: 'People Manager' }, { name: 'Sales Representative' }, { name: 'Engineer' }],
  permissionTypes: ['Learner', 'Manager', 'LMS Administrator'],
  users: [
    // The LMS administrator: manual, never owned by an integration.
    { userName: 'lms.admin@contoso.com', givenName: 'Lena', familyName: 'Admin', email: 'lms.admin@contoso.com', department: ['Contoso', 'People'], permissionTypes: ['LMS Administrator'] },
    // A manual account under an old e-mail: Entra now says anna.larsen@, with anna.berg@ among otherMails.
    { userName: 'anna.berg@contoso.com', givenName: 'Anna', familyName: 'Berg', email: 'anna.berg@contoso.com', department: ['Contoso', 'Sales'], jobProfile: 'Sales Representative' },
    // Two accounts for one person: created by hand twice, with two spellings of the address.
    { userName: 'bob.smith@contoso.com', givenName: 'Bob', familyName: 'Smith', email: 'bob.smith@contoso.com', department: ['Contoso', 'Engineering'] },
    { userName: 'robert.smith@contoso.com', givenName: 'Robert', familyName: 'Smith', email: 'robert.smith@contoso.com', otherEmails: ['bob.smith@contoso.com'], department: ['Contoso', 'Engineering'] },
    // Someone who left and was deactivated by hand.
    { userName: 'carl.old@contoso.com', givenName: 'Carl', familyName: 'Olden', email: 'carl.old@contoso.com', active: false },
    // An ordinary manual account with a manager.
    { userName: 'dana.lee@contoso.com', givenName: 'Dana', familyName: 'Lee', email: 'dana.lee@contoso.com', department: ['Contoso', 'Sales', 'EMEA'], manager: 'anna.berg@contoso.com', contentRegion: 'GB' },
  ],
};

function item(kind: 'departments' | 'jobProfiles' | 'permissionTypes', name: string, at: string): OrgItem {
  const resourceType = { departments: 'Department', jobProfiles: 'JobProfile', permissionTypes: 'PermissionType' }[kind];
  return { id: randomUUID(), displayName: name, meta: { resourceType, created: at, lastModified: at } };
}

/** Loads a seed without sending welcome e-mails (these people were there before). */
export function applySeed(store: LmsStore, seed: LmsSeed, vendorNs: string, at: string): void {
  const deptIds = new Map<string, string>();
  const ensureDept = (path: string[]): string | null => {
    let parent: string | null = null;
    for (let i = 0; i < path.length; i++) {
      const key = path.slice(0, i + 1).join('\u0000');
      let id = deptIds.get(key);
      if (!id) {
        const d = item('departments', path[i] ?? '', at);
        d.parentId = parent;
        store.org.departments.set(d.id, d);
        deptIds.set(key, d.id);
        id = d.id;
      }
      parent = id;
    }
    return parent;
  };
  for (const p of seed.departments) ensureDept(p);
  const jobIds = new Map<string, string>();
  for (const j of seed.jobProfiles) {
    const it = item('jobProfiles', j.name, at);
    it.isDefault = j.isDefault === true;
    store.org.jobProfiles.set(it.id, it);
    jobIds.set(j.name, it.id);
  }
  const permIds = new Map<string, string>();
  for (const p of seed.permissionTypes) {
    const it = item('permissionTypes', p, at);
    store.org.permissionTypes.set(it.id, it);
    permIds.set(p, it.id);
  }
  const defaultJob = seed.jobProfiles.find((j) => j.isDefault)?.name;
  const userIds = new Map<string, string>();
  const users: SeedUser[] = [...seed.users];
  for (let i = 1; i <= (seed.generatedUsers ?? 0); i++) {
    const n = String(i).padStart(6, '0');
    users.push({ userName: `user${n}@example.com`, givenName: 'User', familyName: n, email: `user${n}@example.com`, externalId: `gen-${n}` });
  }
  for (const s of users) {
    const id = randomUUID();
    const ven: Json = {};
    const dept = s.department ? ensureDept(s.department) : null;
    if (dept) ven.department = { value: dept, display: s.department?.[s.department.length - 1] ?? '' };
    const job = s.jobProfile ?? defaultJob;
    const jobId = job ? jobIds.get(job) : undefined;
    if (jobId && job) ven.jobProfile = { value: jobId, display: job };
    if (s.permissionTypes?.length) ven.permissionTypes = s.permissionTypes.map((p) => ({ value: permIds.get(p) ?? p, display: p }));
    if (s.contentRegion) ven.contentRegion = s.contentRegion;
    const u: Json = {
      id,
      userName: s.userName,
      name: { givenName: s.givenName, familyName: s.familyName },
      displayName: `${s.givenName} ${s.familyName}`,
      emails: [{ value: s.email, type: 'work', primary: true }, ...(s.otherEmails ?? []).map((e) => ({ value: e, type: 'other' }))],
      active: s.active ?? true,
      meta: { resourceType: 'User', created: at, lastModified: at, version: 'W/"0"' },
    };
    if (s.externalId) u.externalId = s.externalId;
    const managerId = s.manager ? userIds.get(s.manager) : undefined;
    if (s.department || managerId) {
      u[ENTERPRISE_USER] = {
        ...(s.department ? { department: s.department[s.department.length - 1] } : {}),
        ...(managerId ? { manager: { value: managerId, displayName: s.manager } } : {}),
      };
    }
    if (Object.keys(ven).length) u[vendorNs] = ven;
    store.insertRaw(u);
    userIds.set(s.userName, id);
  }
  for (const g of seed.groups ?? []) {
    const members = g.members.flatMap((userName) => {
      const id = userIds.get(userName);
      return id ? [{ value: id, display: userName, type: 'User' }] : [];
    });
    store.putGroup(null, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: g.name, members });
  }
}
