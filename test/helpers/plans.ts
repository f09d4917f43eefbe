/** Plans written straight into an integration's plan cache, as a dry run would leave them. */
import type { OpKind, Plan, PlanOp } from '../../src-main/core/model';

const KINDS: OpKind[] = ['create', 'update', 'update', 'deactivate', 'conflict', 'skip'];

/** n ops cycling through the kinds; op i is "Person i" <person.i@contoso.example>, with one field change. */
export function samplePlan(integrationId: string, n: number, createdAt = '2026-11-23T09:00:00.000Z'): Plan {
  const ops: PlanOp[] = [];
  for (let i = 0; i < n; i++) {
    const kind = KINDS[i % KINDS.length] ?? 'create';
    ops.push({
      kind,
      sourceId: `src-${i}`,
      targetId: kind === 'create' ? null : `lms-${i}`,
      email: `person.${i}@contoso.example`,
      displayName: `Person ${i}`,
      reason: kind === 'conflict' ? 'email_taken' : kind === 'create' ? 'new_in_scope' : kind === 'update' ? 'attributes_changed' : 'left_scope',
      detail: `Person ${i}: ${kind}.`,
      changes: kind === 'conflict' || kind === 'skip' ? [] : [{ field: 'title', from: null, to: `Title ${i}` }],
      phase: 'users',
      ...(kind === 'conflict' ? { candidates: { sourceIds: [`src-${i}`], targetIds: [`lms-${i}`, `lms-x${i}`] } } : {}),
      ...(i === 1 ? { notices: [{ attribute: 'department', raw: '\uFEFFSales', normalised: 'Sales', found: ['U+FEFF BYTE ORDER MARK'] }], warnings: [{ code: 'manager_not_in_lms', message: 'The manager is not in the LMS.' }] } : {}),
    });
  }
  const count = (k: OpKind) => ops.filter((o) => o.kind === k).length;
  return {
    integrationId,
    createdAt,
    sourceReadMode: 'full',
    targetReadMode: 'full',
    summary: { create: count('create'), update: count('update'), deactivate: count('deactivate'), reactivate: 0, conflict: count('conflict'), skip: count('skip'), unchanged: 3 },
    ops,
    departmentsToCreate: [['Contoso', 'Sales']],
    guards: [],
  };
}
