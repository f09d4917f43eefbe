import { Body1, Button, Caption1, Field } from '@fluentui/react-components';
import { Add16Regular, Delete16Regular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { Mapping, PushGroup } from '../../../../src-main/core/config';
import { MAX_PUSH_GROUPS, pickPushGroup } from '../../../../src-main/core/push-group-settings';
import { useLmsGroups } from '../../queries';
import { pushGroupErrorKey, type Errors } from './draft';
import { GroupSelect } from './GroupSelect';
import { LmsGroupNameField, LmsGroupsStatus } from './LmsGroupName';
import { Box } from './RuleEditors';

// The last column fits the Remove button, so the headings stay over their fields.
const grid = { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr) 120px', gap: 8, alignItems: 'start' } as const;

const EMPTY_ROW: PushGroup = { groupId: '', groupName: '', lmsGroup: '' };

/** "All Staff", or "row 2" while no group is picked. */
const rowName = (row: PushGroup, i: number) => row.groupName.trim() || `row ${i + 1}`;

/**
 * Entra groups pushed to LMS groups (reference 002, Okta's "Push Groups"): per row an Entra group
 * (searched as in the mapping tables) and the LMS group's name, which follows the group's name
 * until the admin types another, with the LMS's own group names suggested (Okta's "Link Group").
 * The messages under the fields come from validateRules.
 */
export function PushGroupsField({
  mapping,
  setMapping,
  integrationId,
  lmsAddress,
  errors,
}: {
  mapping: Mapping;
  setMapping: (m: Mapping) => void;
  integrationId: string | undefined;
  /** The saved LMS address: another one lists its groups afresh. */
  lmsAddress: string;
  errors: Errors;
}) {
  const rows = mapping.pushGroups;
  const lmsGroups = useLmsGroups(integrationId, lmsAddress);
  // Keys that stay with their row, so removing one leaves the others' search boxes as typed.
  const [keys, setKeys] = useState<number[]>(() => rows.map((_r, i) => i));
  const set = (pushGroups: PushGroup[]) => setMapping({ ...mapping, pushGroups });
  const edit = (i: number, change: (r: PushGroup) => PushGroup) => set(rows.map((r, j) => (j === i ? change(r) : r)));
  const add = () => {
    setKeys([...keys, Math.max(rows.length - 1, ...keys) + 1]);
    set([...rows, EMPTY_ROW]);
  };
  const remove = (i: number) => {
    setKeys(keys.filter((_k, j) => j !== i));
    set(rows.filter((_r, j) => j !== i));
  };
  const full = rows.length >= MAX_PUSH_GROUPS;
  return (
    <Box
      title="Groups to push to the LMS"
      hint="Each LMS group is created when missing, or linked when one of that name exists, and its members kept in step with the Entra group’s synced members; members whose accounts this integration does not link (made by hand in the LMS, service accounts) are left alone."
    >
      <div style={{ display: 'grid', gap: 6 }} role="group" aria-label="Groups to push to the LMS" data-testid="push-groups">
        {rows.length > 0 ? (
          <div style={grid}>
            <Caption1>Entra group</Caption1>
            <Caption1>LMS group name</Caption1>
            <span />
          </div>
        ) : (
          <Caption1 data-testid="push-groups-empty">No groups are pushed: the LMS’s groups are left alone.</Caption1>
        )}
        <LmsGroupsStatus query={lmsGroups} />
        {rows.map((row, i) => {
          const groupError = errors[pushGroupErrorKey(i, 'group')];
          const nameError = errors[pushGroupErrorKey(i, 'lmsGroup')];
          return (
            <div key={keys[i] ?? `row-${i}`} style={grid} data-testid="push-group-row">
              <Field validationMessage={groupError} validationState={groupError ? 'error' : 'none'}>
                <GroupSelect integrationId={integrationId} label={`Entra group to push, row ${i + 1}`} value={row.groupId} valueName={row.groupName} onChange={(id, name) => edit(i, (r) => pickPushGroup(r, id, name))} />
              </Field>
              <LmsGroupNameField index={i} value={row.lmsGroup} error={nameError} lmsGroups={lmsGroups.data?.groups} onChange={(lmsGroup) => edit(i, (r) => ({ ...r, lmsGroup }))} />
              <Button icon={<Delete16Regular />} aria-label={`Remove the pushed group ${rowName(row, i)}`} onClick={() => remove(i)}>
                Remove
              </Button>
            </div>
          );
        })}
        <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <Button size="small" icon={<Add16Regular />} onClick={add} disabled={full} data-testid="push-group-add">
            Add a group
          </Button>
          {full ? <Caption1>At most {MAX_PUSH_GROUPS} groups can be pushed.</Caption1> : null}
        </div>
      </div>
    </Box>
  );
}

/** "Sales → Sales team", one line each, where the wizard sums up what was saved; nothing when none are pushed. */
export function PushGroupsSummary({ pushGroups }: { pushGroups: readonly PushGroup[] }) {
  if (pushGroups.length === 0) return null;
  return (
    <div style={{ display: 'grid', gap: 4 }} data-testid="push-groups-summary">
      <Body1 id="push-groups-summary-title" style={{ fontWeight: 600 }}>
        Groups pushed to the LMS
      </Body1>
      <ul aria-labelledby="push-groups-summary-title" style={{ margin: 0, paddingLeft: 20 }}>
        {pushGroups.map((g, i) => (
          <li key={`${i}-${g.groupId}`}>
            <Body1>
              {g.groupName || g.groupId} → {g.lmsGroup}
            </Body1>
          </li>
        ))}
      </ul>
    </div>
  );
}
