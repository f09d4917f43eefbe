/** Provision on demand holds back a manager/approvers write whose accounts the LMS does not have yet. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_VENDOR_NAMESPACE as NS, ScimPath, vendorPath, type PlanOp } from '../../src-main/core/model';
import { capabilities, targetUser } from '../../src-main/core/testing/builders';
import { namesInLms } from '../../src-main/sync/provision';

const relations = (field: string, to: string | string[]): PlanOp => ({ kind: 'update', phase: 'relations', sourceId: 'anna', targetId: null, email: null, displayName: null, reason: 'relations_changed', detail: '', changes: [{ field, from: null, to }] });
// The boss's userName is not an address; the address is another field of the account.
const users = [targetUser('t-boss', { userName: 'b.oss', emails: ['Boss.Person@contoso.com'] })];

describe('namesInLms', () => {
  it('finds a manager by userName only: an e-mail that no account has as userName is not the manager', () => {
    const known = namesInLms({ users, capabilities: capabilities() });
    expect(known(relations(ScimPath.manager, 'B.OSS'))).toBe(true);
    expect(known(relations(ScimPath.manager, 'boss.person@contoso.com'))).toBe(false);
  });

  it('finds approvers by e-mail where the LMS takes addresses, by userName where it takes references', () => {
    const approvers = vendorPath(NS, 'approvers');
    const byEmail = namesInLms({ users, capabilities: capabilities({ approversByEmail: true }) });
    expect(byEmail(relations(approvers, ['boss.person@contoso.com']))).toBe(true);
    expect(byEmail(relations(approvers, ['b.oss']))).toBe(false);
    const byRef = namesInLms({ users, capabilities: capabilities() });
    expect(byRef(relations(approvers, ['b.oss']))).toBe(true);
    expect(byRef(relations(approvers, ['boss.person@contoso.com']))).toBe(false);
  });
});
