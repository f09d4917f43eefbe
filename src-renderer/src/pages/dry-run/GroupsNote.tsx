/**
 * The pushed groups on the dry-run page (reference 002, "Push Groups"): what the apply does to
 * each LMS group, who it adds and takes out, and why a group is left alone. Groups are not
 * people's changes, so they sit beside the diff rather than in it.
 */
import { Caption1, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { PeopleTeam20Regular } from '@fluentui/react-icons';
import type { GroupPushView, PlanHeader } from '../../../../src-preload/api-types';
import { describeGroupPush } from '../../../../src-main/core/push-groups';

function names(list: GroupPushView['add'], total: number): string {
  const shown = list.map((m) => m.name || m.targetId || m.sourceId || '').join(', ');
  return total > list.length ? `${shown} … and ${(total - list.length).toLocaleString('en-US')} more (all of them: rollcall plan --json)` : shown;
}

function GroupLine({ g }: { g: GroupPushView }) {
  if (g.action === 'blocked') {
    return (
      <MessageBar intent="warning" layout="multiline" data-testid="group-push" data-action="blocked">
        <MessageBarBody>
          <MessageBarTitle>LMS group “{g.lmsGroup}” (from {g.groupName}) is left alone</MessageBarTitle>
          {g.problem}
        </MessageBarBody>
      </MessageBar>
    );
  }
  const changes = g.added + g.removed > 0;
  return (
    <div data-testid="group-push" data-action={g.action} style={{ display: 'grid', gap: 2 }}>
      <Caption1>
        <strong>{describeGroupPush(g).replace(/^./, (c) => c.toUpperCase())}</strong>
      </Caption1>
      {changes ? (
        <details>
          <summary>
            <Caption1>Who is added and taken out</Caption1>
          </summary>
          {g.added > 0 ? <Caption1 as="p" data-testid="group-add">Added: {names(g.add, g.added)}</Caption1> : null}
          {g.removed > 0 ? (
            <Caption1 as="p" data-testid="group-remove">
              Taken out (not in {g.groupName} in Entra, or no longer synced): {names(g.remove, g.removed)}
            </Caption1>
          ) : null}
        </details>
      ) : null}
    </div>
  );
}

export function GroupsNote({ plan }: { plan: PlanHeader }) {
  const groups = plan.groups;
  if (!groups || groups.length === 0) return null;
  return (
    <section aria-label="Groups in the LMS" data-testid="groups-note" style={{ display: 'grid', gap: 6 }}>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <PeopleTeam20Regular aria-hidden />
        <Caption1>
          <strong>Groups in the LMS.</strong> Only people this integration syncs are added, and only accounts it links are taken out: members whose accounts it does not link (made by hand in the LMS, service accounts) stay.
        </Caption1>
      </div>
      {groups.map((g) => (
        <GroupLine key={`${g.groupId}:${g.lmsGroup}`} g={g} />
      ))}
    </section>
  );
}
