import { Body1, Field, Input, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useState } from 'react';
import type { PlanHeader } from '../../../../src-preload/api-types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { plural } from '../../lib/format';
import { GROUP_REMOVAL_GUARD, writesGroup } from '../../../../src-main/core/push-groups';
import { relationWrites } from '../../../../src-main/core/reports';

/** What the admin confirmed, per guard: the number each was shown with (undefined: none to confirm). */
export interface Confirmed {
  deactivations: number | undefined;
  groupRemovals: number | undefined;
}

/** The confirmation before writing: the counts, and for a tripped deactivation threshold, the number typed back. */
export function ApplyDialog({ plan, open, onCancel, onConfirm }: { plan: Pick<PlanHeader, 'summary' | 'guards' | 'groups' | 'relationWrites'>; open: boolean; onCancel: () => void; onConfirm: (confirmed: Confirmed) => void }) {
  const [typed, setTyped] = useState('');
  const s = plan.summary;
  const stopping = plan.guards.filter((g) => g.blocking && !g.confirmable);
  const confirmable = plan.guards.filter((g) => g.blocking && g.confirmable);
  const needed = confirmable.length > 0 ? Math.max(...confirmable.map((g) => g.count)) : null;
  const ok = stopping.length === 0 && (needed === null || typed.trim() === String(needed));
  const groupWrites = (plan.groups ?? []).filter(writesGroup).length;
  const relations = plan.relationWrites ?? 0;
  const relationNote = relationWrites(relations);
  const writes = s.create + s.update + s.deactivate + s.reactivate + groupWrites + relations;
  return (
    <ConfirmDialog
      open={open}
      title="Apply these changes to the LMS?"
      confirmLabel="Apply"
      danger={s.deactivate > 0}
      confirmDisabled={!ok}
      onCancel={() => {
        setTyped('');
        onCancel();
      }}
      onConfirm={() => {
        setTyped('');
        // Each guard is confirmed with its own number, the one this dialog showed it with: a
        // deactivation confirmed here never lifts a group removal the apply finds anew, and back.
        onConfirm({ deactivations: confirmable.find((g) => g.code !== GROUP_REMOVAL_GUARD)?.count, groupRemovals: confirmable.find((g) => g.code === GROUP_REMOVAL_GUARD)?.count });
      }}
    >
      <Body1 data-testid="apply-counts">
        {plural(s.create, 'user')} created, {plural(s.update, 'user')} updated, {plural(s.reactivate, 'user')} reactivated and {plural(s.deactivate, 'user')} deactivated
        {relationNote ? ` (${relationNote})` : ''}
        {groupWrites > 0 ? `; ${plural(groupWrites, 'LMS group')} created or changed` : ''}
        {writes === 0 ? ' — nothing to write' : ''}. {s.conflict > 0 ? `${plural(s.conflict, 'conflict')} and ` : ''}
        {plural(s.skip, 'skipped user')} are left alone.
      </Body1>
      <Body1>Rollcall reads both sides again and applies the same rules, so anything that changed since this dry run is taken into account. Users are never deleted.</Body1>
      {stopping.map((g) => (
        <MessageBar key={g.code} intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{g.message}</MessageBarTitle>
            {g.fix}
          </MessageBarBody>
        </MessageBar>
      ))}
      {needed !== null ? (
        <>
          {confirmable.map((g) => (
            <MessageBar key={g.code} intent="warning" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>{g.message}</MessageBarTitle>
                {g.fix}
              </MessageBarBody>
            </MessageBar>
          ))}
          <Field label={`Type ${needed} to confirm ${confirmable.some((g) => g.code === GROUP_REMOVAL_GUARD) ? (confirmable.length > 1 ? 'the deactivations and the group removals' : 'the group removals') : 'the deactivations'}`} required>
            <Input value={typed} onChange={(_e, d) => setTyped(d.value)} inputMode="numeric" data-testid="confirm-deactivations" autoFocus />
          </Field>
        </>
      ) : null}
    </ConfirmDialog>
  );
}
