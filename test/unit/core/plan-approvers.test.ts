/**
 * Approvers from an Entra attribute (reference 002: "define a custom attribute approvers … that
 * you populate from your HRIS and map this to the approvers attribute").
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_VENDOR_NAMESPACE, ScimPath, vendorPath } from '../../../src-main/core/model';
import { approverAddresses } from '../../../src-main/core/plan-relations';
import { replan } from '../../../src-main/core/replan';
import { planWithMemo } from '../../../src-main/core/plan';
import { capabilities, link, planConfig, sourceSnapshot, sourceUser, targetSnapshot, targetUser } from '../../../src-main/core/testing/builders';
import { change, NOW, opFor, run } from './helpers';
import { check, diag, evidence } from './diagnose-helpers';

const APPROVERS = vendorPath(DEFAULT_VENDOR_NAMESPACE, 'approvers');
const ATTRIBUTE = 'extension_0123456789abcdef0123456789abcdef_approvers';
const fromAttribute = (over: { approversFromManager?: boolean; manager?: boolean } = {}) => planConfig({ mapping: { approversAttribute: ATTRIBUTE, ...over } });
const listing = (value: string | string[] | null) => ({ [ATTRIBUTE]: value });

const boss = sourceUser('boss', { displayName: 'Bo Boss' });
const second = sourceUser('second', { userPrincipalName: 'second@contoso.onmicrosoft.com', mail: 'Second.Approver@contoso.com' });
const anna = sourceUser('anna', { managerId: 'boss', extra: listing('boss@contoso.com; second.approver@CONTOSO.com , ') });
const approversOf = (p: ReturnType<typeof run>) => change(opFor(p, 'anna', 'relations'), APPROVERS)?.to;

describe('approvers from an Entra attribute', () => {
  it('reads the addresses a text or a multi-valued attribute lists, each once, in order', () => {
    expect(approverAddresses('a@x.com; B@X.com,c@x.com ;; a@x.com')).toEqual(['a@x.com', 'b@x.com', 'c@x.com']);
    expect(approverAddresses(['a@x.com', 'b@x.com; c@x.com'])).toEqual(['a@x.com', 'b@x.com', 'c@x.com']);
    expect(approverAddresses(null)).toEqual([]);
  });

  it('writes the accounts of the people it lists, by e-mail or sign-in name, after every user exists; the manager as before', () => {
    const p = run({ users: [anna, boss, second], config: fromAttribute() });
    const op = opFor(p, 'anna', 'relations');
    expect(op?.phase).toBe('relations');
    // Their LMS userNames after the plan (the UPN), in the attribute's order.
    expect(approversOf(p)).toEqual(['boss@contoso.com', 'second@contoso.onmicrosoft.com']);
    expect(change(op, ScimPath.manager)?.to).toBe('boss@contoso.com');
    expect(op?.detail).toContain("approvers are set to boss@contoso.com, second@contoso.onmicrosoft.com (from extension_0123456789abcdef0123456789abcdef_approvers)");
    // It wins over "the manager as approver": only one source of approvers.
    expect(approversOf(run({ users: [anna, boss, second], config: fromAttribute({ approversFromManager: true }) }))).toEqual(['boss@contoso.com', 'second@contoso.onmicrosoft.com']);
    // An LMS that takes approvers as e-mail addresses gets their e-mails.
    const byEmail = run({ users: [anna, boss, second], config: fromAttribute(), target: { capabilities: capabilities({ approversByEmail: true }) } });
    expect(approversOf(byEmail)).toEqual(['boss@contoso.com', 'second.approver@contoso.com']);
    // Several values of a multi-valued attribute.
    const multi = run({ users: [{ ...anna, extra: listing(['second@contoso.onmicrosoft.com', 'boss@contoso.com']) }, boss, second], config: fromAttribute() });
    expect(approversOf(multi)).toEqual(['second@contoso.onmicrosoft.com', 'boss@contoso.com']);
  });

  it('names an approver out of scope by the account their link names; leaves out, with a warning, one without an account or nobody in Entra', () => {
    const cfg = planConfig({ scope: { exclude: [{ kind: 'user', value: 'second' }, { kind: 'user', value: 'boss' }] }, mapping: { approversAttribute: ATTRIBUTE, manager: false } });
    const t = targetUser('t-boss', { externalId: 'boss', userName: 'b.oss' });
    const who = { ...anna, extra: listing('nobody@contoso.com; boss@contoso.com; second.approver@contoso.com') };
    const p = run({ users: [who, boss, second], targets: [t], links: [link('boss', 't-boss')], config: cfg });
    expect(approversOf(p)).toEqual(['b.oss']);
    const warnings = opFor(p, 'anna')?.warnings ?? [];
    expect(warnings.map((w) => w.code)).toEqual(['approver_not_in_entra', 'approver_not_in_lms']);
    expect(warnings[0]?.message).toBe(`${ATTRIBUTE} lists the approver nobody@contoso.com, but nobody in Entra has that address, so it is left out of the approvers.`);
    expect(warnings[1]?.message).toBe('The approver second.approver@contoso.com has no LMS account (not in scope, or not created yet), so they are left out of the approvers.');
    // The manager field is off here, and a missing manager would not stop the approvers.
    expect(change(opFor(p, 'anna', 'relations'), ScimPath.manager)).toBeUndefined();
  });

  it('does not guess between two people with one address', () => {
    const twin = sourceUser('twin', { userPrincipalName: 'twin@contoso.onmicrosoft.com', mail: 'boss@contoso.com' });
    const p = run({ users: [{ ...anna, managerId: null }, boss, twin], config: fromAttribute({ manager: false }) });
    const warnings = (opFor(p, 'anna')?.warnings ?? []).map((w) => w.message);
    expect(warnings[0]).toContain('the approver boss@contoso.com, but two people in Entra have that address');
    // (second is not in this world.) Nobody is left, and a new account has no approvers to clear.
    expect(warnings[1]).toContain('the approver second.approver@contoso.com, but nobody in Entra has that address');
    expect(opFor(p, 'anna', 'relations')).toBeUndefined();
  });

  it('clears approvers the attribute no longer lists, and leaves an account that already has them alone', () => {
    const t = targetUser('t-anna', { externalId: 'anna', userName: 'anna@contoso.com', attributes: { [APPROVERS]: ['boss@contoso.com'] } });
    const tBoss = targetUser('t-boss', { externalId: 'boss', userName: 'boss@contoso.com' });
    const links = [link('anna', 't-anna'), link('boss', 't-boss')];
    const same = run({ users: [{ ...anna, extra: listing('BOSS@contoso.com') }, boss], targets: [t, tBoss], links, config: fromAttribute({ manager: false }) });
    expect(opFor(same, 'anna', 'relations')).toBeUndefined();
    const cleared = run({ users: [{ ...anna, extra: listing(null) }, boss], targets: [t, tBoss], links, config: fromAttribute({ manager: false }) });
    expect(change(opFor(cleared, 'anna', 'relations'), APPROVERS)).toEqual({ from: ['boss@contoso.com'], to: [] });
    expect(opFor(cleared, 'anna', 'relations')?.detail).toContain('approvers are cleared');
  });

  it('replans a changed approvers attribute to exactly the plan plan() gives', () => {
    const tBoss = targetUser('t-boss', { externalId: 'boss', userName: 'boss@contoso.com' });
    const tSecond = targetUser('t-second', { externalId: 'second', userName: 'second@contoso.onmicrosoft.com' });
    const tAnna = targetUser('t-anna', { externalId: 'anna', userName: 'anna@contoso.com', attributes: { [APPROVERS]: ['boss@contoso.com'] } });
    const links = [link('anna', 't-anna'), link('boss', 't-boss'), link('second', 't-second')];
    const cfg = fromAttribute({ manager: false });
    const before = sourceSnapshot([{ ...anna, extra: listing('boss@contoso.com') }, boss, second]);
    const target = targetSnapshot([tAnna, tBoss, tSecond]);
    const { memo } = planWithMemo(before, target, cfg, links, NOW);
    const after = sourceSnapshot([{ ...anna, extra: listing('second.approver@contoso.com; boss@contoso.com') }, boss, second]);
    const again = replan(memo, after, target, cfg, links, NOW);
    if (!again.ok) throw new Error(again.why);
    expect(change(again.plan.ops.find((o) => o.phase === 'relations'), APPROVERS)?.to).toEqual(['second@contoso.onmicrosoft.com', 'boss@contoso.com']);
    expect(again.plan).toEqual(planWithMemo(after, target, cfg, links, NOW).plan);
  });

  it('Diagnose names each listed approver and what the sync does, and says what to fix for one it cannot write', () => {
    const tBoss = targetUser('t-boss', { externalId: 'boss', userName: 'boss@contoso.com' });
    const tAnna = targetUser('t-anna', { externalId: 'anna', userName: 'anna@contoso.com' });
    const cfg = planConfig({ scope: { exclude: [{ kind: 'user', value: 'second' }] }, mapping: { approversAttribute: ATTRIBUTE } });
    const who = { ...anna, extra: listing('boss@contoso.com; second.approver@contoso.com; ghost@contoso.com') };
    const world = { users: [who, boss, second], targets: [tAnna, tBoss], links: [link('anna', 't-anna'), link('boss', 't-boss')], config: cfg };
    const c = diag('anna@contoso.com', world);
    const m = check(c, 'manager');
    expect(m.status).toBe('warn');
    expect(m.detail).toContain('The approver second (second.approver@contoso.com) has no LMS account, so they are left out');
    expect(m.detail).toContain('lists ghost@contoso.com, but nobody in Entra has that address');
    expect(m.fix).toContain(`correct the addresses in ${ATTRIBUTE}`);
    const lines = evidence(c, 'manager');
    expect(lines).toContain(`Approvers attribute (${ATTRIBUTE}): boss@contoso.com; second.approver@contoso.com; ghost@contoso.com`);
    expect(lines).toContain('Approver boss@contoso.com: LMS account boss@contoso.com');
    expect(lines).toContain('Approver second.approver@contoso.com: second: no LMS account from this integration');
    expect(lines).toContain('Approver ghost@contoso.com: nobody in Entra has this address');

    // "Update user attributes" off: the approvers the LMS keeps, against what the attribute lists.
    const off = diag('anna@contoso.com', { ...world, users: [{ ...anna, managerId: null, extra: listing('boss@contoso.com') }, boss, second], config: planConfig({ mapping: { approversAttribute: ATTRIBUTE, updateUsers: false } }) });
    expect(check(off, 'manager')).toMatchObject({ status: 'fail', detail: expect.stringContaining('keeps approvers (empty) instead of boss@contoso.com.') });
    // All listed approvers in the LMS and written already: a pass.
    const done = diag('anna@contoso.com', { ...world, users: [{ ...anna, managerId: null, extra: listing('boss@contoso.com') }, boss, second], targets: [{ ...tAnna, attributes: { [APPROVERS]: ['boss@contoso.com'] } }, tBoss] });
    expect(check(done, 'manager')).toMatchObject({ status: 'pass', detail: 'No manager is set in Entra; the approvers are in the LMS as listed.' });
  });

  it('replans to the plan plan() gives when an approver without an account is renamed in Entra', () => {
    const cfg = planConfig({ scope: { exclude: [{ kind: 'user', value: 'second' }] }, mapping: { approversAttribute: ATTRIBUTE, manager: false } });
    const who = sourceUser('anna', { extra: listing('second.approver@contoso.com') });
    const target = targetSnapshot([]);
    const { memo } = planWithMemo(sourceSnapshot([who, second]), target, cfg, [], NOW);
    const after = sourceSnapshot([who, { ...second, displayName: 'Samantha' }]);
    const again = replan(memo, after, target, cfg, [], NOW);
    if (!again.ok) throw new Error(again.why);
    expect(again.plan).toEqual(planWithMemo(after, target, cfg, [], NOW).plan);
  });

  it('Diagnose: approvers from the manager with the manager field off is the manager check; an unchanged person with an address nobody has is a warning', () => {
    const tAnna = targetUser('t-anna', { externalId: 'anna', userName: 'anna@contoso.com' });
    const tBoss = targetUser('t-boss', { externalId: 'boss', userName: 'boss@contoso.com' });
    const links = [link('anna', 't-anna'), link('boss', 't-boss')];
    const fromManager = diag('anna@contoso.com', { users: [anna, boss], targets: [tAnna, tBoss], links, config: planConfig({ mapping: { manager: false, approversFromManager: true } }) });
    expect(check(fromManager, 'manager')).toMatchObject({ status: 'info', detail: expect.stringContaining('approvers') });
    // Nothing to write (the LMS has boss as approver already), so the plan has no op to carry a warning.
    const unchanged = diag('anna@contoso.com', {
      users: [{ ...anna, managerId: null, extra: listing('boss@contoso.com; ghost@contoso.com') }, boss],
      targets: [{ ...tAnna, attributes: { [APPROVERS]: ['boss@contoso.com'] } }, tBoss],
      links,
      config: fromAttribute({ manager: false }),
    });
    expect(check(unchanged, 'manager')).toMatchObject({ status: 'warn', detail: `${ATTRIBUTE} lists ghost@contoso.com, but nobody in Entra has that address, so it is left out of the approvers.` });
    // An approver this sync creates is not a problem: they are written once their account exists.
    const created = diag('anna@contoso.com', { users: [{ ...anna, managerId: null, extra: listing('second.approver@contoso.com') }, boss, second], targets: [tAnna, tBoss], links, config: fromAttribute({ manager: false }) });
    expect(check(created, 'manager').status).toBe('info');
    expect(evidence(created, 'manager')).toContain('Approver second.approver@contoso.com: second: gets an LMS account at the next sync');
    // An LMS whose schema has no approvers: nothing is written, and Diagnose says why instead of judging the addresses.
    const none = diag('anna@contoso.com', { users: [{ ...anna, managerId: null, extra: listing('ghost@contoso.com') }, boss], targets: [tAnna, tBoss], links, config: fromAttribute({ manager: false }), target: { capabilities: capabilities({ vendorAttributes: ['jobProfile'] }) } });
    expect(check(none, 'manager')).toMatchObject({ status: 'info', detail: `This LMS has no approvers, so ${ATTRIBUTE} is not written.` });
    expect(evidence(none, 'manager')).toContain('Approvers in this LMS: none: its schema has no approvers attribute, so they are not written');
  });
});
