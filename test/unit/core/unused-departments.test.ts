/** Departments this integration created that nobody is in after a plan (core/departments.ts; reference 004). */
import { describe, expect, it } from 'vitest';
import { describeUnusedDepartments, unusedCreatedDepartments } from '../../../src-main/core/departments';
import { ScimPath, type PlanOp, type TargetDepartment } from '../../../src-main/core/model';
import { targetSnapshot, targetUser } from '../../../src-main/core/testing/builders';

const departments: TargetDepartment[] = [
  { id: 'd-contoso', name: 'Contoso', parentId: null },
  { id: 'd-sales', name: 'Sales', parentId: 'd-contoso' },
  { id: 'd-emea', name: 'EMEA', parentId: 'd-sales' },
  { id: 'd-temp', name: 'Temp', parentId: 'd-contoso' },
  { id: 'd-moved', name: 'Moved', parentId: 'd-contoso' },
  { id: 'd-hand', name: 'Made by hand', parentId: null },
];
const inDept = (id: string, path: string[], over = {}) => targetUser(id, { attributes: { [ScimPath.department]: path }, ...over });
const op = (kind: PlanOp['kind'], targetId: string | null, department?: string[]): PlanOp => ({
  phase: 'users',
  kind,
  reason: 'x',
  sourceId: targetId,
  targetId,
  email: null,
  displayName: null,
  detail: '',
  changes: department ? [{ field: ScimPath.department, from: null, to: department }] : [],
});
const created = ['d-contoso', 'd-sales', 'd-emea', 'd-temp', 'd-moved'].map((id) => ({ id }));

describe('departments this integration created that nobody is in (reference 004)', () => {
  it('names those nobody active is in after the plan, nor below them; never one it did not create', () => {
    const target = targetSnapshot(
      [
        inDept('anna', ['Contoso', 'Sales', 'EMEA']),
        // Temp's only person leaves; Moved's only person moves to Sales; an inactive account counts for nothing.
        inDept('tim', ['Contoso', 'Temp']),
        inDept('mo', ['Contoso', 'Moved']),
        inDept('old', ['Contoso', 'Moved'], { active: false }),
      ],
      { departments },
    );
    const ops = [op('deactivate', 'tim'), op('update', 'mo', ['Contoso', 'Sales'])];
    // Contoso and Sales are used through EMEA below them; "Made by hand" is empty but not ours.
    expect(unusedCreatedDepartments(target, ops, created)).toEqual([
      { id: 'd-moved', path: ['Contoso', 'Moved'] },
      { id: 'd-temp', path: ['Contoso', 'Temp'] },
    ]);
    // A new person's department and a reactivated account fill them again.
    const filled = [op('create', null, ['Contoso', 'Temp']), op('reactivate', 'old')];
    expect(unusedCreatedDepartments(target, filled, created)).toEqual([]);
  });

  it('drops a department deleted in the LMS since, says nothing from an incomplete read, and names a renamed one as the LMS has it', () => {
    const renamed = departments.map((d) => (d.id === 'd-temp' ? { ...d, name: 'Temporary' } : d));
    const target = targetSnapshot([inDept('anna', ['Contoso', 'Sales', 'EMEA'])], { departments: renamed.filter((d) => d.id !== 'd-moved') });
    expect(unusedCreatedDepartments(target, [], created)).toEqual([{ id: 'd-temp', path: ['Contoso', 'Temporary'] }]);
    expect(unusedCreatedDepartments({ ...target, complete: false }, [], created)).toBeNull();
  });

  it('says it in the admin’s words: the first five by path, the count of the rest, and that Rollcall never deletes them', () => {
    const many = Array.from({ length: 7 }, (_, i) => ({ id: `d-${i}`, path: ['Contoso', `Team ${i}`] }));
    expect(describeUnusedDepartments(many)).toEqual({
      title: '7 departments this integration created have nobody in them after this sync',
      detail:
        'Contoso / Team 0; Contoso / Team 1; Contoso / Team 2; Contoso / Team 3; Contoso / Team 4 and 2 more. Nobody active is in them or in a department below. Rollcall never deletes a department (it may hold reports or courses): if they are no longer needed, remove them in the LMS.',
    });
    expect(describeUnusedDepartments(many.slice(0, 1)).title).toBe('1 department this integration created has nobody in it after this sync');
  });
});
