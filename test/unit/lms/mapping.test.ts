/** Pure translation between the flat attribute model and SCIM resources. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VENDOR_NAMESPACE as NS, ENTERPRISE_USER as ENT, ScimPath, vendorPath } from '../../../src-main/core/model';
import { buildLayout, type LmsLayout } from '../../../src-main/lms/discovery';
import { referencedUserIds } from '../../../src-main/lms/session';
import { applyWrites, filterLiteral, fromScimUser, newUserBody, patchOps, referencedNames, splitPath, toWire, withWorkEmail, type IdLookups, type NameLookups } from '../../../src-main/lms/mapping';

const spc = { filter: true, patch: true, bulk: false, sort: false, etag: false, maxResults: 100 };
const ref = (name: string, multiValued = false): Record<string, unknown> => ({ name, type: 'complex', multiValued, subAttributes: [{ name: 'value' }, { name: 'display' }] });
const types = {
  Resources: [
    { name: 'User', endpoint: '/Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User', schemaExtensions: [{ schema: ENT }, { schema: NS }] },
    { name: 'Department', endpoint: '/Departments', schema: 'urn:x:Department' },
    { name: 'JobProfile', endpoint: '/JobProfiles', schema: 'urn:x:JobProfile' },
    { name: 'PermissionType', endpoint: '/PermissionTypes', schema: 'urn:x:PermissionType' },
  ],
};
const schemas = {
  Resources: [
    { id: NS, attributes: [{ name: 'contentRegion', type: 'string' }, ref('approvers', true), { name: 'customField1', type: 'string' }, ref('jobProfile'), ref('permissionTypes', true), ref('department')] },
    { id: 'urn:x:Department', attributes: [{ name: 'displayName', type: 'string' }, ref('parent')] },
    { id: 'urn:x:JobProfile', attributes: [{ name: 'displayName', type: 'string' }, { name: 'isDefault', type: 'boolean' }] },
    { id: 'urn:x:PermissionType', attributes: [{ name: 'displayName', type: 'string' }] },
  ],
};
const layout: LmsLayout = buildLayout(spc, types, schemas, undefined);
const flat: LmsLayout = buildLayout(spc, { Resources: [types.Resources[0]] }, { Resources: [] }, NS);

const names: NameLookups = {
  departmentPath: (id) => ({ d1: ['Contoso'], d2: ['Contoso', 'Sales'] })[id] ?? null,
  jobProfileName: (id) => ({ j1: 'Engineer' })[id] ?? null,
  permissionTypeName: (id) => ({ p1: 'Learner', p2: 'Manager' })[id] ?? null,
  userNameOf: (id) => ({ u1: 'boss@contoso.com' })[id] ?? null,
};
const ids: IdLookups = {
  departmentId: (p) => ({ 'Contoso/Sales': 'd2' })[p.join('/')],
  jobProfileId: (n) => ({ Engineer: 'j1' })[n],
  permissionTypeId: (n) => ({ Learner: 'p1', Manager: 'p2' })[n],
  userId: (u) => ({ 'boss@contoso.com': 'u1' })[u],
};

describe('discovery of the approvers format', () => {
  it('sees approvers as e-mail addresses when the schema has them as strings, as references when complex', () => {
    expect(layout.capabilities.approversByEmail).toBe(false);
    // RFC 7643 §2.2: an attribute with no type is a string; types are compared in any case.
    for (const type of ['String', undefined]) {
      const schema = { Resources: [{ id: NS, attributes: [{ name: 'approvers', type, multiValued: true }] }] };
      expect(buildLayout(spc, types, schema, undefined).capabilities.approversByEmail).toBe(true);
    }
    const plain = { Resources: [{ id: NS, attributes: [{ name: 'approvers', type: 'string', multiValued: true }] }] };
    const byEmail = buildLayout(spc, types, plain, undefined);
    expect(byEmail.capabilities.approversByEmail).toBe(true);
    // A plain approver goes out as written and reads back the same.
    const wire = toWire(vendorPath(NS, 'approvers'), ['boss.person@contoso.com'], byEmail, ids);
    expect(wire).toEqual({ ok: true, value: [{ schema: NS, path: ['approvers'], value: ['boss.person@contoso.com'] }] });
    // Nothing to look up before writing them.
    expect(referencedNames(vendorPath(NS, 'approvers'), ['boss.person@contoso.com'], byEmail.capabilities).users).toEqual([]);
    expect(referencedNames(vendorPath(NS, 'approvers'), ['boss@contoso.com'], layout.capabilities).users).toEqual(['boss@contoso.com']);
  });

  it('sees plain references as LMS user ids, not addresses, and writes the ids', () => {
    for (const type of ['reference', 'Reference']) {
      const plainRef = { Resources: [{ id: NS, attributes: [{ name: 'approvers', type, multiValued: true }] }] };
      const byRef = buildLayout(spc, types, plainRef, undefined);
      expect(byRef.capabilities.approversByEmail).toBe(false);
      expect(toWire(vendorPath(NS, 'approvers'), ['boss@contoso.com'], byRef, ids)).toEqual({ ok: true, value: [{ schema: NS, path: ['approvers'], value: ['u1'] }] });
      expect(toWire(vendorPath(NS, 'approvers'), ['nobody@contoso.com'], byRef, ids)).toMatchObject({ ok: false, missing: 'nobody@contoso.com', kind: 'user' });
    }
  });

  it('looks up the accounts approvers point at, complex or plain, but not addresses', () => {
    // An approver id not yet seen is fetched so the account reads back with the approver's userName.
    const raw = (approvers: unknown[]): Record<string, unknown> => ({ id: 'u9', userName: 'anna@contoso.com', [NS]: { approvers } });
    const schemaWith = (type: string): LmsLayout => buildLayout(spc, types, { Resources: [{ id: NS, attributes: [{ name: 'approvers', type, multiValued: true }] }] }, undefined);
    expect(referencedUserIds(raw([{ value: 'u1', display: 'Boss' }]), layout)).toEqual(['u1']);
    expect(referencedUserIds(raw(['u1']), schemaWith('reference'))).toEqual(['u1']);
    expect(referencedUserIds(raw(['boss@contoso.com']), schemaWith('string'))).toEqual([]);
  });
});

describe('fromScimUser', () => {
  it('resolves ids to names and flattens to SCIM paths', () => {
    const u = fromScimUser(
      {
        id: 'x1',
        externalId: 'entra-1',
        userName: 'anna@contoso.com',
        active: false,
        name: { givenName: 'Anna', familyName: 'Berg' },
        emails: [{ value: 'old@contoso.com', type: 'other' }, { value: 'anna@contoso.com', type: 'work', primary: true }],
        [ENT]: { employeeNumber: '7', manager: { value: 'u1' } },
        [NS]: { department: { value: 'd2' }, jobProfile: { value: 'j1' }, permissionTypes: [{ value: 'p1' }, { value: 'p2' }], approvers: [{ value: 'u1' }], contentRegion: 'GB' },
        meta: { created: '2024-01-01T00:00:00Z', lastModified: '2024-02-01T00:00:00Z' },
      },
      layout,
      names,
    );
    expect(u).toEqual({
      id: 'x1',
      externalId: 'entra-1',
      userName: 'anna@contoso.com',
      active: false,
      emails: ['anna@contoso.com', 'old@contoso.com'],
      attributes: {
        [ScimPath.userName]: 'anna@contoso.com',
        [ScimPath.givenName]: 'Anna',
        [ScimPath.familyName]: 'Berg',
        [ScimPath.email]: 'anna@contoso.com',
        [ScimPath.employeeNumber]: '7',
        [ScimPath.manager]: 'boss@contoso.com',
        [ScimPath.department]: ['Contoso', 'Sales'],
        [vendorPath(NS, 'contentRegion')]: 'GB',
        [vendorPath(NS, 'jobProfile')]: 'Engineer',
        [vendorPath(NS, 'permissionTypes')]: ['Learner', 'Manager'],
        [vendorPath(NS, 'approvers')]: ['boss@contoso.com'],
      },
      created: '2024-01-01T00:00:00Z',
      lastModified: '2024-02-01T00:00:00Z',
    });
  });

  it('keeps a missing key for an unset attribute and reads a flat department text as a path', () => {
    const u = fromScimUser({ id: 'x', userName: 'a', [ENT]: { department: 'Sales / EMEA' } }, flat, names);
    expect(u.attributes[ScimPath.department]).toEqual(['Sales', 'EMEA']);
    expect(ScimPath.givenName in u.attributes).toBe(false);
    expect(u.active).toBe(true);
  });

  it('reads attribute names case-insensitively, as RFC 7643 says', () => {
    const u = fromScimUser({ ID: 'x', id: 'x', UserName: 'A@B.C', Name: { GivenName: 'A' } }, layout, names);
    expect(u.attributes[ScimPath.givenName]).toBe('A');
    expect(u.userName).toBe('A@B.C');
  });
});

describe('toWire and patchOps', () => {
  it('writes a department path as the vendor reference plus the enterprise leaf name', () => {
    const w = toWire(ScimPath.department, ['Contoso', 'Sales'], layout, ids);
    expect(w).toEqual({ ok: true, value: [{ schema: NS, path: ['department'], value: { value: 'd2', display: 'Sales' } }, { schema: ENT, path: ['department'], value: 'Sales' }] });
  });

  it('without a Departments resource writes the path as text', () => {
    expect(toWire(ScimPath.department, ['Sales', 'EMEA'], flat, ids)).toEqual({ ok: true, value: [{ schema: ENT, path: ['department'], value: 'Sales / EMEA' }] });
  });

  it('reports a name the LMS does not know instead of dropping it', () => {
    expect(toWire(vendorPath(NS, 'jobProfile'), 'Astronaut', layout, ids)).toMatchObject({ ok: false, kind: 'job profile', missing: 'Astronaut' });
    expect(toWire(ScimPath.manager, 'ghost@contoso.com', layout, ids)).toMatchObject({ ok: false, kind: 'user' });
    expect(toWire(ScimPath.department, ['Nowhere'], layout, ids)).toMatchObject({ ok: false, kind: 'department' });
  });

  it('skips vendor attributes the LMS did not advertise', () => {
    expect(toWire(vendorPath(NS, 'customField3'), 'x', layout, ids)).toEqual({ ok: true, value: [] });
  });

  it('uses proper PatchOp paths: URN-qualified extension paths, remove for empty, add for a first e-mail', () => {
    const perm = toWire(vendorPath(NS, 'permissionTypes'), ['Learner'], layout, ids);
    expect(perm.ok && patchOps(vendorPath(NS, 'permissionTypes'), perm.value, true)).toEqual([
      { op: 'replace', path: `${NS}:permissionTypes`, value: [{ value: 'p1', display: 'Learner' }] },
    ]);
    const cleared = toWire(ScimPath.manager, null, layout, ids);
    expect(cleared.ok && patchOps(ScimPath.manager, cleared.value, true)).toEqual([{ op: 'remove', path: `${ENT}:manager` }]);
    const mail = toWire(ScimPath.email, 'n@contoso.com', layout, ids);
    expect(mail.ok && patchOps(ScimPath.email, mail.value, true)).toEqual([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'n@contoso.com' }]);
    expect(mail.ok && patchOps(ScimPath.email, mail.value, false)).toEqual([{ op: 'add', path: 'emails', value: [{ value: 'n@contoso.com', type: 'work', primary: true }] }]);
    const given = toWire(ScimPath.givenName, 'Ann', layout, ids);
    expect(given.ok && patchOps(ScimPath.givenName, given.value, true)).toEqual([{ op: 'replace', path: 'name.givenName', value: 'Ann' }]);
  });
});

describe('applyWrites (POST bodies and PUT)', () => {
  it('builds nested core and extension objects and lists the extension schemas', () => {
    const body = newUserBody('e1', 'a@contoso.com', true);
    for (const [field, value] of [
      [ScimPath.givenName, 'Ann'],
      [vendorPath(NS, 'contentRegion'), 'DE'],
      [ScimPath.employeeNumber, '9'],
    ] as const) {
      const w = toWire(field, value, layout, ids);
      if (w.ok) applyWrites(body, field, w.value);
    }
    expect(body).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', NS, ENT],
      externalId: 'e1',
      userName: 'a@contoso.com',
      active: true,
      name: { givenName: 'Ann' },
      [NS]: { contentRegion: 'DE' },
      [ENT]: { employeeNumber: '9' },
    });
  });

  it('changes the work e-mail but keeps other addresses', () => {
    expect(withWorkEmail([{ value: 'old@x', type: 'other', primary: true }], 'new@x')).toEqual([{ value: 'new@x', type: 'work', primary: true }, { value: 'old@x', type: 'other' }]);
    expect(withWorkEmail([{ value: 'a@x', type: 'work', primary: true }, { value: 'b@x', type: 'home' }], 'c@x')).toEqual([{ value: 'c@x', type: 'work', primary: true }, { value: 'b@x', type: 'home' }]);
    expect(withWorkEmail([{ value: 'a@x', type: 'work' }], null)).toEqual([]);
  });

  it('round-trips any plain vendor value through a body and back (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.constantFrom('contentRegion', 'customField1'), (value, attr) => {
        const field = `${NS}:${attr}`;
        const body = newUserBody('e', 'u', true);
        const w = toWire(field, value, layout, ids);
        if (!w.ok) return false;
        applyWrites(body, field, w.value);
        return fromScimUser({ ...body, id: 'i' }, layout, names).attributes[field] === value;
      }),
    );
  });
});

describe('small helpers', () => {
  it('splits URN paths at the last colon', () => {
    expect(splitPath(`${ENT}:manager`)).toEqual({ schema: ENT, path: ['manager'] });
    expect(splitPath('name.givenName')).toEqual({ schema: null, path: ['name', 'givenName'] });
  });

  it('quotes filter values as JSON strings', () => {
    expect(filterLiteral('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});
