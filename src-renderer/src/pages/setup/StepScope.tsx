import { Caption1, Tag, TagGroup } from '@fluentui/react-components';
import type { ExcludeRule, IncludeRule } from '../../../../src-main/core/config';
import { usePeopleNames } from '../../queries';
import { GroupPicker } from './GroupPicker';
import { AddLine, AttributeRuleAdder, Box, RuleTags } from './RuleEditors';
import type { StepProps } from './wizard-types';

/** Step 3: who is in scope — groups, attribute rules, exclusions and the skip list. */
export function StepScope({ draft, update, integration }: StepProps) {
  const picked = new Set([...draft.include, ...draft.exclude].flatMap((r) => (r.kind === 'group' ? [r.groupId] : [])));
  const addInclude = (r: IncludeRule) => update({ include: [...draft.include, r] });
  const addExclude = (r: ExcludeRule) => update({ exclude: [...draft.exclude, r] });
  // The saved list (a superset of the draft's, which only loses ids here): one look-up per save.
  const names = usePeopleNames(integration?.id, integration?.config.scope.confirmedNewAccounts ?? draft.confirmedNewAccounts);
  return (
    <div style={{ display: 'grid', gap: 14, maxWidth: 860 }} data-testid="step-scope">
      <Box title="Security groups" hint="Recommended: include one security group, so only its members are imported. Nested groups count too.">
        {integration ? (
          <GroupPicker
            integrationId={integration.id}
            picked={picked}
            onPick={(g, how) => (how === 'include' ? addInclude({ kind: 'group', groupId: g.id, groupName: g.displayName }) : addExclude({ kind: 'group', groupId: g.id, groupName: g.displayName }))}
          />
        ) : (
          <Caption1>Save the Entra connection first (step 2).</Caption1>
        )}
      </Box>
      <Box title="Included" hint="A user is in scope when any include rule matches. With no include rule, every user in the tenant is in scope.">
        <div data-testid="include-rules">
          <RuleTags rules={draft.include} onRemove={(i) => update({ include: draft.include.filter((_r, j) => j !== i) })} label="Include rules" empty="No include rule: every user in the tenant is in scope." />
        </div>
        <AddLine label="Include one person" hint="Their e-mail, UPN or Entra object id: in scope without being in an included group." placeholder="anna@contoso.com" testId="include-user" onAdd={(v) => addInclude({ kind: 'user', value: v })} />
      </Box>
      <Box title="Excluded" hint="Exclude beats include: a user matching both is left out (and the dry run says so).">
        <div data-testid="exclude-rules">
          <RuleTags rules={draft.exclude} onRemove={(i) => update({ exclude: draft.exclude.filter((_r, j) => j !== i) })} label="Exclude rules" empty="Nobody is excluded." />
        </div>
        <AddLine label="Exclude one person" hint="Their e-mail, UPN or Entra object id." placeholder="anna@contoso.com" testId="exclude-user" onAdd={(v) => addExclude({ kind: 'user', value: v })} />
      </Box>
      <Box title="Attribute rules" hint="Include or exclude by an Entra attribute, e.g. department equals Contractors.">
        <AttributeRuleAdder onAdd={(r, how) => (how === 'include' ? addInclude(r) : addExclude(r))} />
      </Box>
      <Box title="Skip list" hint="People the integration never touches, in either direction (e.g. the LMS administrator’s own account).">
        {draft.skipList.length === 0 ? (
          <Caption1>The skip list is empty.</Caption1>
        ) : (
          <TagGroup aria-label="Skip list" onDismiss={(_e, d) => update({ skipList: draft.skipList.filter((s) => s !== d.value) })} style={{ flexWrap: 'wrap', gap: 6 }}>
            {draft.skipList.map((s) => (
              <Tag key={s} value={s} dismissible dismissIcon={{ 'aria-label': `Remove ${s} from the skip list` }}>
                {s}
              </Tag>
            ))}
          </TagGroup>
        )}
        <AddLine label="Add to the skip list" hint="E-mail, UPN or Entra object id." placeholder="lms.admin@contoso.com" testId="skip-add" onAdd={(v) => !draft.skipList.includes(v) && update({ skipList: [...draft.skipList, v] })} />
      </Box>
      {draft.confirmedNewAccounts.length > 0 ? (
        <Box
          title="New accounts confirmed"
          hint={`Chosen in the dry run ("Not theirs"): ${draft.mapping.createUsers ? 'these people get a new LMS account' : 'these people get a new LMS account once "Create users" is on (Rules and mapping),'} although an account matches one of their other addresses. Remove one to have the dry run ask again.`}
        >
          <TagGroup
            aria-label="New accounts confirmed"
            data-testid="confirmed-new-accounts"
            onDismiss={(_e, d) => update({ confirmedNewAccounts: draft.confirmedNewAccounts.filter((s) => s !== d.value) })}
            style={{ flexWrap: 'wrap', gap: 6 }}
          >
            {draft.confirmedNewAccounts.map((s) => {
              // By name where the last dry run read them from Entra; by object id where it did not.
              const p = names.get(s);
              const name = p ? (p.displayName ?? p.userPrincipalName) : s;
              const secondary = p ? (p.displayName !== null ? p.userPrincipalName : undefined) : undefined;
              return (
                <Tag key={s} value={s} title={`Entra object id ${s}`} secondaryText={secondary} dismissible dismissIcon={{ 'aria-label': `Ask again about ${name}` }} data-testid="confirmed-new-account" data-known={p ? 'true' : 'false'}>
                  {name}
                </Tag>
              );
            })}
          </TagGroup>
        </Box>
      ) : null}
    </div>
  );
}
