/**
 * Departments this integration created that nobody is in after this sync (reference 004 deletes
 * such departments; Rollcall never does): named beside the counts, as the unmanaged accounts are,
 * because they are not changes the diff could show.
 */
import { Caption1 } from '@fluentui/react-components';
import { Building20Regular } from '@fluentui/react-icons';
import type { PlanHeader } from '../../../../src-preload/api-types';
import { describeUnusedDepartments } from '../../../../src-main/core/departments';

export function UnusedDepartmentsNote({ plan }: { plan: PlanHeader }) {
  const unused = plan.unusedDepartments;
  // Absent: none, or a plan from before they were counted.
  if (unused === undefined) return null;
  if (unused === null) {
    return <Caption1 data-testid="unused-departments">Departments this integration created that nobody is in: not counted, because the LMS read was incomplete.</Caption1>;
  }
  if (unused.length === 0) return null;
  const { title, detail } = describeUnusedDepartments(unused);
  return (
    <div style={{ display: 'flex', gap: 8, alignItems: 'center' }} data-testid="unused-departments">
      <Building20Regular aria-hidden />
      <Caption1>
        <strong>{title}:</strong> {detail}
      </Caption1>
    </div>
  );
}
