import { Caption1, Dropdown, Field, Input, Option, Switch } from '@fluentui/react-components';
import { useState } from 'react';
import type { Mapping } from '../../../../src-main/core/config';
import type { Errors } from './draft';
import { JobProfileMapping, PermissionMapping } from './MappingTables';
import { AttributePicker } from './AttributePicker';
import { PushGroupsField } from './PushGroupsField';
import { Box } from './RuleEditors';
import type { StepProps } from './wizard-types';

/** "Contoso / Nordics" ⇄ ['Contoso', 'Nordics']; the text is kept as typed so a "/" can be typed. */
function UnderField({ value, onChange }: { value: readonly string[]; onChange: (v: string[]) => void }) {
  const [text, setText] = useState(value.join(' / '));
  return (
    <Field label="Below the LMS department (optional)" hint="e.g. Contoso: Entra's departments are found and created below it, as an HR integration's top unit. Levels with /. Not used where the LMS's departments have one level (the LMS test says so).">
      <Input
        value={text}
        placeholder="(at the top)"
        data-testid="department-under"
        onChange={(_e, d) => {
          setText(d.value);
          onChange(d.value.split('/').map((s) => s.trim()).filter((s) => s !== ''));
        }}
      />
    </Field>
  );
}

type ApproversFrom = 'none' | 'manager' | 'attribute';
const APPROVERS_FROM: Record<ApproversFrom, string> = {
  none: 'Not written',
  manager: 'The user’s manager',
  attribute: 'The people an Entra attribute lists',
};

/**
 * Where approvers come from (reference 002: "a custom attribute approvers … populated from your
 * HRIS"). The attribute holds e-mail addresses or UPNs; "" while the admin has not named it yet.
 */
function ApproversField({ mapping: m, setMapping }: { mapping: Mapping; setMapping: (m: Mapping) => void }) {
  const from: ApproversFrom = m.approversAttribute !== null ? 'attribute' : m.approversFromManager ? 'manager' : 'none';
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 2fr)', gap: 12, alignItems: 'start' }}>
      <Field label="Approvers">
        <Dropdown
          value={APPROVERS_FROM[from]}
          selectedOptions={[from]}
          data-testid="approvers-from"
          onOptionSelect={(_e, d) => {
            const next = (d.optionValue ?? 'none') as ApproversFrom;
            setMapping({ ...m, approversFromManager: next === 'manager', approversAttribute: next === 'attribute' ? (m.approversAttribute ?? '') : null });
          }}
        >
          {(Object.keys(APPROVERS_FROM) as ApproversFrom[]).map((k) => (
            <Option key={k} value={k}>
              {APPROVERS_FROM[k]}
            </Option>
          ))}
        </Dropdown>
      </Field>
      {from === 'attribute' ? (
        <AttributePicker
          label="Entra attribute with the approvers"
          hint="Their e-mail addresses or sign-in names, several values or separated by ; — each must be someone with an LMS account from this integration."
          value={m.approversAttribute}
          onChange={(v) => setMapping({ ...m, approversAttribute: v ?? '' })}
          testId="approvers-attribute"
        />
      ) : null}
    </div>
  );
}

const row = { display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: 12, alignItems: 'start' } as const;

/** Step 5: deactivation, what the integration may change, and how attributes map. */
export function StepRules({ draft, update, integration, errors }: StepProps & { errors: Errors }) {
  const m = draft.mapping;
  const setMapping = (mapping: Mapping) => update({ mapping });
  const names = new Map([...draft.include, ...draft.exclude].flatMap((r) => (r.kind === 'group' ? [[r.groupId, r.groupName] as const] : [])));
  const groupName = (id: string) => names.get(id) ?? '';
  return (
    <div style={{ display: 'grid', gap: 14, maxWidth: 860 }} data-testid="step-rules">
      <Box title="Deactivation" hint="Rollcall never deletes users. It only deactivates users this integration created or linked.">
        <Switch checked={draft.deactivateUsers} onChange={(_e, d) => update({ deactivateUsers: d.checked })} label="Deactivate users who leave scope or are disabled in Entra" data-testid="deactivate-users" />
        <Switch checked={draft.useLastDay} onChange={(_e, d) => update({ useLastDay: d.checked })} label="Deactivate on the Last Day (employeeLeaveDateTime) — works alongside another integration; needs User-LifecycleInfo.Read.All" />
        <div style={row}>
          <Field label="Ask me first when more than … users" hint="Deactivations in one run." validationMessage={errors.thresholdCount} validationState={errors.thresholdCount ? 'error' : 'none'}>
            <Input type="number" min={0} value={draft.thresholdCount} onChange={(_e, d) => update({ thresholdCount: d.value })} data-testid="threshold-count" />
          </Field>
          <Field label="… or more than this % of owned users" hint="Whichever is smaller blocks the apply until you confirm." validationMessage={errors.thresholdPercent} validationState={errors.thresholdPercent ? 'error' : 'none'}>
            <Input type="number" min={0} max={100} value={draft.thresholdPercent} onChange={(_e, d) => update({ thresholdPercent: d.value })} contentAfter="%" data-testid="threshold-percent" />
          </Field>
          <Field label="Sync every (hours)" hint="While the app runs; the CLI can run it from a scheduler." validationMessage={errors.everyHours} validationState={errors.everyHours ? 'error' : 'none'}>
            <Input type="number" min={1} max={168} value={draft.everyHours} onChange={(_e, d) => update({ everyHours: d.value })} />
          </Field>
        </div>
      </Box>
      <Box title="What the integration may change" hint="Create users and Update user attributes are on in nearly every setup; turning one off leaves the dry run listing who is not created, and Diagnose saying why.">
        <Switch checked={m.createUsers} onChange={(_e, d) => setMapping({ ...m, createUsers: d.checked })} label="Create users (people in scope without an LMS account get one)" data-testid="create-users" />
        <Switch checked={m.updateUsers} onChange={(_e, d) => setMapping({ ...m, updateUsers: d.checked })} label="Update user attributes (existing accounts get the mapped values)" data-testid="update-users" />
        <Switch checked={m.changeDepartments} onChange={(_e, d) => setMapping({ ...m, changeDepartments: d.checked })} label="Change departments" />
        <Switch checked={m.changeJobProfiles} onChange={(_e, d) => setMapping({ ...m, changeJobProfiles: d.checked })} label="Change job profiles" />
        <Switch checked={m.changePermissions} onChange={(_e, d) => setMapping({ ...m, changePermissions: d.checked })} label="Change permissions" />
      </Box>
      <Box title="Departments" hint="Hidden characters (byte-order marks, zero-width and no-break spaces) are removed and reported in the dry run.">
        <div style={row}>
          <AttributePicker label="Entra attribute" value={m.department.attribute} onChange={(v) => setMapping({ ...m, department: { ...m.department, attribute: v ?? 'department' } })} testId="department-attribute" />
          <Field label="Path delimiter (optional)" hint="e.g. / for “Sales/EMEA/Nordics”." validationMessage={errors.pathDelimiter} validationState={errors.pathDelimiter ? 'error' : 'none'}>
            <Input value={m.department.pathDelimiter ?? ''} onChange={(_e, d) => setMapping({ ...m, department: { ...m.department, pathDelimiter: d.value === '' ? null : d.value } })} maxLength={3} />
          </Field>
          <Field label="Unique units" hint="Append the source id so equal names stay apart.">
            <Switch checked={m.department.uniqueUnits} onChange={(_e, d) => setMapping({ ...m, department: { ...m.department, uniqueUnits: d.checked } })} label={m.department.uniqueUnits ? 'On' : 'Off'} />
          </Field>
        </div>
        <div style={row}>
          <UnderField value={m.department.under} onChange={(under) => setMapping({ ...m, department: { ...m.department, under } })} />
        </div>
      </Box>
      <JobProfileMapping mapping={m} setMapping={setMapping} integrationId={integration?.id} groupName={groupName} />
      <PermissionMapping mapping={m} setMapping={setMapping} integrationId={integration?.id} groupName={groupName} />
      <PushGroupsField mapping={m} setMapping={setMapping} integrationId={integration?.id} lmsAddress={integration?.config.target.baseUrl ?? ''} errors={errors} />
      <Box title="Content region" hint="From the country (a code such as GB or UK, or a name such as Deutschland): GB; ES ← ES, IT, MT; DE ← DE, BE, CH, DK, RO, SI; US ← US, CA; SE ← SE, NO; any other country, or none, → QQ (Global). A value that names no country is warned of in the dry run.">
        <div style={{ display: 'grid', gridTemplateColumns: 'auto 240px', gap: 16, alignItems: 'end' }}>
          <Switch checked={m.contentRegion.enabled} onChange={(_e, d) => setMapping({ ...m, contentRegion: { ...m.contentRegion, enabled: d.checked } })} label="Write the content region" />
          <Field label="From">
            <Dropdown
              disabled={!m.contentRegion.enabled}
              style={{ minWidth: 0 }}
              value={m.contentRegion.attribute}
              selectedOptions={[m.contentRegion.attribute]}
              onOptionSelect={(_e, d) => setMapping({ ...m, contentRegion: { ...m.contentRegion, attribute: d.optionValue === 'country' ? 'country' : 'usageLocation' } })}
            >
              <Option value="usageLocation">usageLocation</Option>
              <Option value="country">country</Option>
            </Dropdown>
          </Field>
        </div>
      </Box>
      <Box title="Custom fields" hint="Written to the LMS’s custom fields 1–3 from any Entra attribute: pick one, or type its name (a directory extension such as extension_<appId>_costCenter, or onPremisesExtensionAttributes.extensionAttribute1–15).">
        <div style={row}>
          {(['customField1', 'customField2', 'customField3'] as const).map((k, i) => (
            <AttributePicker key={k} label={`Custom field ${i + 1}`} none="(not written)" value={m.customFields[k]} onChange={(v) => setMapping({ ...m, customFields: { ...m.customFields, [k]: v } })} testId={`custom-field-${i + 1}`} />
          ))}
        </div>
      </Box>
      <Box title="Manager and approvers" hint="Written in a second pass, after every user exists.">
        <Switch checked={m.manager} onChange={(_e, d) => setMapping({ ...m, manager: d.checked })} label="Write each user’s manager" />
        <ApproversField mapping={m} setMapping={setMapping} />
        <Caption1>Language: from the Entra attribute “{m.languageAttribute}”.</Caption1>
      </Box>
    </div>
  );
}
