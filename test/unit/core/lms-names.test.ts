/** Which permission types make an LMS administrator (core/lms-names.ts): kept active when they leave the scope, never linked. */
import { describe, expect, it } from 'vitest';
import { administratorTypes } from '../../../src-main/core/lms-names';

describe('administratorTypes', () => {
  it('finds administrators by any spelling an LMS uses, leaning towards a match', () => {
    const admins = ['LMS Administrator', 'Admin', 'Admins', 'Site admin', 'SysAdmin', 'Sub-admin', 'LMS_Admin', 'Admin_Full', 'Admin2', 'OrgAdmin', 'TenantAdmin', 'LMSAdmin', 'Administrateur', 'Administrador', 'Administratoren', 'Administratör'];
    expect(administratorTypes(admins)).toEqual(admins);
  });

  it('leaves out words that only contain the letters, and the types the integration grants itself', () => {
    expect(administratorTypes(['Administrative Staff', 'Badminton club', 'BADMINTON', 'Padmini', 'Learner', 'Manager'])).toEqual([]);
    expect(administratorTypes(['Team Admin', 'LMS Administrator'], new Set(['team admin']))).toEqual(['LMS Administrator']);
    expect(administratorTypes('Admin')).toEqual(['Admin']);
    expect(administratorTypes(undefined)).toEqual([]);
  });
});
