import { Button, Caption1, Field, Input, Switch } from '@fluentui/react-components';
import { Add16Regular, Delete16Regular } from '@fluentui/react-icons';
import type { Mapping } from '../../../../src-main/core/config';
import { checkPushGroups } from '../../../../src-main/core/push-group-settings';
import { GroupSelect } from './GroupSelect';
import { AttributePicker, attributeProblem } from './AttributePicker';
import { Box } from './RuleEditors';

interface Props {
  mapping: Mapping;
  setMapping: (m: Mapping) => void;
  integrationId: string | undefined;
  groupName: (id: string) => string;
}

const grid = { display: 'grid', gridTemplateColumns: '1fr 1fr 32px', gap: 8, alignItems: 'center' } as const;

interface ValueRow {
  value: string;
  to: string;
}

/** "When <attribute> is <value>" → a job profile or permission type in the LMS, one row each. */
function ValueMapTable({ attribute, name, rows, onChange }: { attribute: string; name: 'Job profile' | 'Permission type'; rows: ValueRow[]; onChange: (rows: ValueRow[]) => void }) {
  const what = name.toLowerCase();
  const edit = (i: number, patch: Partial<ValueRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div style={{ display: 'grid', gap: 6 }} role="group" aria-label={`Attribute value to ${what}`}>
      <div style={grid}>
        <Caption1>When {attribute} is</Caption1>
        <Caption1>{name} in the LMS</Caption1>
        <span />
      </div>
      {rows.map((row, i) => (
        <div key={i} style={grid}>
          <Input aria-label={`Value ${i + 1} for the ${what}`} value={row.value} onChange={(_e, d) => edit(i, { value: d.value })} />
          <Input aria-label={`${name} for value ${i + 1}`} value={row.to} onChange={(_e, d) => edit(i, { to: d.value })} />
          <Button appearance="subtle" icon={<Delete16Regular />} aria-label={`Remove ${what} value mapping ${i + 1}`} onClick={() => onChange(rows.filter((_r, j) => j !== i))} />
        </div>
      ))}
      <div>
        <Button size="small" icon={<Add16Regular />} onClick={() => onChange([...rows, { value: '', to: '' }])}>
          Add value mapping
        </Button>
      </div>
    </div>
  );
}

/** Job profiles: attribute value → profile, group → profile, and the default. */
export function JobProfileMapping({ mapping, setMapping, integrationId, groupName }: Props) {
  const jp = mapping.jobProfile;
  const set = (patch: Partial<Mapping['jobProfile']>) => setMapping({ ...mapping, jobProfile: { ...jp, ...patch } });
  return (
    <Box title="Job profiles" hint="The first match wins: a group mapping, then the attribute value, then the default job profile.">
      <AttributePicker label="Entra attribute that names the job profile" none="(none — groups and default only)" value={jp.attribute} onChange={(v) => set({ attribute: v })} width={320} testId="job-profile-attribute" />
      {jp.attribute ? (
        <ValueMapTable
          attribute={jp.attribute}
          name="Job profile"
          rows={jp.valueMap.map((r) => ({ value: r.value, to: r.jobProfile }))}
          onChange={(rows) => set({ valueMap: rows.map((r) => ({ value: r.value, jobProfile: r.to })) })}
        />
      ) : null}
      <div style={{ display: 'grid', gap: 6 }} role="group" aria-label="Group to job profile">
        {jp.groupMap.length > 0 ? (
          <div style={grid}>
            <Caption1>Members of group</Caption1>
            <Caption1>Job profile in the LMS</Caption1>
            <span />
          </div>
        ) : (
          <Caption1>No group mapping.</Caption1>
        )}
        {jp.groupMap.map((row, i) => (
          <div key={i} style={grid}>
            <GroupSelect integrationId={integrationId} label={`Group ${i + 1}`} value={row.groupId} valueName={groupName(row.groupId)} onChange={(id) => set({ groupMap: jp.groupMap.map((r, j) => (j === i ? { ...r, groupId: id } : r)) })} />
            <Input aria-label={`Job profile for group ${i + 1}`} value={row.jobProfile} onChange={(_e, d) => set({ groupMap: jp.groupMap.map((r, j) => (j === i ? { ...r, jobProfile: d.value } : r)) })} />
            <Button appearance="subtle" icon={<Delete16Regular />} aria-label={`Remove group mapping ${i + 1}`} onClick={() => set({ groupMap: jp.groupMap.filter((_r, j) => j !== i) })} />
          </div>
        ))}
        <div>
          <Button size="small" icon={<Add16Regular />} onClick={() => set({ groupMap: [...jp.groupMap, { groupId: '', jobProfile: '' }] })}>
            Add group mapping
          </Button>
        </div>
      </div>
      <Field label="Default job profile" hint="When nothing maps. Leave empty to use the LMS’s own default.">
        <Input value={jp.defaultJobProfile ?? ''} onChange={(_e, d) => set({ defaultJobProfile: d.value.trim() ? d.value : null })} style={{ maxWidth: 320 }} />
      </Field>
      {jp.defaultJobProfile !== null ? (
        <Switch
          label="Default job profile for new accounts only (an existing account nothing maps keeps the job profile set in the LMS)"
          checked={jp.defaultForNewOnly}
          onChange={(_e, d) => set({ defaultForNewOnly: d.checked })}
          data-testid="default-job-profile-new-only"
        />
      ) : null}
    </Box>
  );
}

/** Permission types granted by group membership; the integration owns only these types. */
export function PermissionMapping({ mapping, setMapping, integrationId, groupName }: Props) {
  const perms = mapping.permissions;
  const rows = perms.groupMap;
  const set = (groupMap: Mapping['permissions']['groupMap']) => setMapping({ ...mapping, permissions: { ...perms, groupMap } });
  const setValues = (patch: Partial<Mapping['permissions']>) => setMapping({ ...mapping, permissions: { ...perms, ...patch } });
  const values = perms.valueMap;
  return (
    <Box title="Permissions" hint="Members of a group, or people whose Entra attribute has a mapped value (a role), get the permission type. Rollcall only adds or removes the types listed here; others on the user stay.">
      <AttributePicker label="Entra attribute that names permission types (optional)" none="(none — groups only)" value={perms.attribute} onChange={(v) => setValues({ attribute: v })} width={320} testId="permission-attribute" />
      {perms.attribute ? (
        <ValueMapTable
          attribute={perms.attribute}
          name="Permission type"
          rows={values.map((r) => ({ value: r.value, to: r.permissionType }))}
          onChange={(rows) => setValues({ valueMap: rows.map((r) => ({ value: r.value, permissionType: r.to })) })}
        />
      ) : null}
      <div style={{ display: 'grid', gap: 6 }} role="group" aria-label="Group to permission type">
        {rows.length > 0 ? (
          <div style={grid}>
            <Caption1>Members of group</Caption1>
            <Caption1>Permission type in the LMS</Caption1>
            <span />
          </div>
        ) : (
          <Caption1>{perms.attribute && values.length > 0 ? 'No group mapping.' : 'No permission mapping: permissions are left as they are.'}</Caption1>
        )}
        {rows.map((row, i) => (
          <div key={i} style={grid}>
            <GroupSelect integrationId={integrationId} label={`Permission group ${i + 1}`} value={row.groupId} valueName={groupName(row.groupId)} onChange={(id) => set(rows.map((r, j) => (j === i ? { ...r, groupId: id } : r)))} />
            <Input aria-label={`Permission type for group ${i + 1}`} value={row.permissionType} onChange={(_e, d) => set(rows.map((r, j) => (j === i ? { ...r, permissionType: d.value } : r)))} />
            <Button appearance="subtle" icon={<Delete16Regular />} aria-label={`Remove permission mapping ${i + 1}`} onClick={() => set(rows.filter((_r, j) => j !== i))} />
          </div>
        ))}
        <div>
          <Button size="small" icon={<Add16Regular />} onClick={() => set([...rows, { groupId: '', permissionType: '' }])}>
            Add permission mapping
          </Button>
        </div>
      </div>
    </Box>
  );
}

/** Rows left half-filled would fail main's validation: say which. */
export function mappingProblems(m: Mapping): string[] {
  const out: string[] = [];
  // A name that is not one is kept as typed in the draft, so it is caught here rather than saved over.
  const named: [string, string | null, boolean][] = [
    ['Departments', m.department.attribute, false],
    ['Job profiles', m.jobProfile.attribute, true],
    ['Permissions', m.permissions.attribute, true],
    ['Custom field 1', m.customFields.customField1, true],
    ['Custom field 2', m.customFields.customField2, true],
    ['Custom field 3', m.customFields.customField3, true],
    // Null: approvers are not taken from an attribute; "" or a bad name once that is chosen.
    ...(m.approversAttribute === null ? [] : [['Approvers', m.approversAttribute, false] as [string, string | null, boolean]]),
  ];
  for (const [where, name, noneAllowed] of named) {
    const problem = attributeProblem(name, noneAllowed);
    if (problem) out.push(`${where}: ${problem}`);
  }
  if (m.jobProfile.valueMap.some((r) => !r.jobProfile.trim())) out.push('A job profile value mapping has no job profile.');
  if (m.jobProfile.groupMap.some((r) => !r.groupId || !r.jobProfile.trim())) out.push('A job profile group mapping needs both a group and a job profile.');
  if (m.permissions.groupMap.some((r) => !r.groupId || !r.permissionType.trim())) out.push('A permission mapping needs both a group and a permission type.');
  // Checked with the attribute cleared too: the rows stay in the settings, and main refuses an empty one.
  if (m.permissions.valueMap.some((r) => !r.value.trim() || !r.permissionType.trim())) out.push('A permission value mapping needs both a value and a permission type.');
  out.push(...checkPushGroups(m.pushGroups).problems);
  return out;
}
