import { Body1, Button, Caption1, Field, Input, Spinner, tokens } from '@fluentui/react-components';
import { PeopleTeam20Regular, Search20Regular } from '@fluentui/react-icons';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { GroupSummary } from '../../../../src-preload/api-types';
import { call, toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** "1,240 people · 12 direct members · 3 nested groups (their members count too)". */
export function groupNote(g: GroupSummary): string {
  const parts: string[] = [];
  if (g.peopleCount !== null) parts.push(plural(g.peopleCount, 'person', 'people'));
  parts.push(g.memberCount === null ? 'members unknown' : plural(g.memberCount, 'direct member', 'direct members'));
  if (g.nestedGroupCount !== null && g.nestedGroupCount > 0) parts.push(`${plural(g.nestedGroupCount, 'nested group', 'nested groups')} (their members count too)`);
  else if (g.nestedGroupCount === null && g.hasNestedGroups) parts.push('includes nested groups (their members count too)');
  return parts.join(' · ');
}

/** Security groups whose display name starts with the text typed (searchGroups), each with Include / Exclude. */
export function GroupPicker({ integrationId, onPick, picked }: { integrationId: string; onPick: (g: GroupSummary, how: 'include' | 'exclude') => void; picked: Set<string> }) {
  const [text, setText] = useState('');
  const prefix = useDebounced(text.trim(), 250);
  const groups = useQuery({
    queryKey: ['groups', integrationId, prefix],
    queryFn: () => call('searchGroups', { id: integrationId, prefix }),
    staleTime: 30_000,
  });
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <Field label="Find a security group" hint="Type the start of the group’s display name.">
        <Input contentBefore={<Search20Regular />} value={text} onChange={(_e, d) => setText(d.value)} data-testid="group-search" placeholder="e.g. All Staff" />
      </Field>
      {groups.isFetching ? <Spinner size="tiny" label="Searching…" /> : null}
      {groups.isError ? <ErrorMessage error={toAppError(groups.error)} title="Could not search the groups" /> : null}
      {groups.data && groups.data.length === 0 ? <Caption1 data-testid="group-search-empty">{prefix === '' ? 'The tenant has no security groups Rollcall can see.' : `No security group starts with “${prefix}”.`}</Caption1> : null}
      {groups.data && groups.data.length > 0 ? (
        <ul aria-label="Groups found" style={{ listStyle: 'none', margin: 0, padding: 0, border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, maxHeight: 260, overflow: 'auto' }}>
          {groups.data.map((g) => (
            <li key={g.id} data-testid="group-result" style={{ display: 'grid', gridTemplateColumns: '20px 1fr auto', gap: 10, alignItems: 'center', padding: '8px 12px', borderBottom: `1px solid ${tokens.colorNeutralStroke3}` }}>
              <PeopleTeam20Regular aria-hidden />
              <div style={{ minWidth: 0 }}>
                <Body1 style={{ display: 'block', fontWeight: 600 }}>{g.displayName}</Body1>
                <Caption1>{groupNote(g)}</Caption1>
              </div>
              <div style={{ display: 'flex', gap: 6 }}>
                {picked.has(g.id) ? (
                  <Caption1>Added</Caption1>
                ) : (
                  <>
                    <Button size="small" appearance="primary" onClick={() => onPick(g, 'include')} aria-label={`Include ${g.displayName}`}>
                      Include
                    </Button>
                    <Button size="small" onClick={() => onPick(g, 'exclude')} aria-label={`Exclude ${g.displayName}`}>
                      Exclude
                    </Button>
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
