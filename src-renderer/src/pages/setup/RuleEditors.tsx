import { Button, Caption1, Dropdown, Field, Input, Option, Tag, TagGroup, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { ExcludeRule } from '../../../../src-main/core/config';
import { AttributePicker, attributeProblem } from './AttributePicker';

export const OPERATORS = [
  { value: 'equals', label: 'equals' },
  { value: 'notEquals', label: 'does not equal' },
  { value: 'startsWith', label: 'starts with' },
  { value: 'contains', label: 'contains' },
  { value: 'isEmpty', label: 'is empty' },
] as const;
export type Operator = (typeof OPERATORS)[number]['value'];

export function describeRule(r: ExcludeRule): string {
  if (r.kind === 'group') return `Group: ${r.groupName || r.groupId}`;
  if (r.kind === 'user') return `User: ${r.value}`;
  const op = OPERATORS.find((o) => o.value === r.operator)?.label ?? r.operator;
  return r.operator === 'isEmpty' ? `${r.attribute} is empty` : `${r.attribute} ${op} “${r.value}”`;
}

/** A list of rules as dismissible tags. */
export function RuleTags({ rules, onRemove, label, empty }: { rules: ExcludeRule[]; onRemove: (i: number) => void; label: string; empty: string }) {
  if (rules.length === 0) return <Caption1>{empty}</Caption1>;
  return (
    <TagGroup aria-label={label} onDismiss={(_e, d) => onRemove(Number(d.value))} style={{ flexWrap: 'wrap', gap: 6 }}>
      {rules.map((r, i) => (
        <Tag key={`${i}-${describeRule(r)}`} value={String(i)} dismissible dismissIcon={{ 'aria-label': `Remove ${describeRule(r)}` }} data-testid="rule-tag">
          {describeRule(r)}
        </Tag>
      ))}
    </TagGroup>
  );
}

/** "department equals Sales" — added to include or exclude. */
export function AttributeRuleAdder({ onAdd }: { onAdd: (rule: { kind: 'attribute'; attribute: string; operator: Operator; value: string }, how: 'include' | 'exclude') => void }) {
  const [attribute, setAttribute] = useState<string>('department');
  const [operator, setOperator] = useState<Operator>('equals');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const add = (how: 'include' | 'exclude') => {
    const badName = attributeProblem(attribute, false);
    if (badName) {
      setError(badName);
      return;
    }
    if (operator !== 'isEmpty' && !value.trim()) {
      setError('Type the value to compare with (compared case-insensitively, hidden characters removed).');
      return;
    }
    setError(undefined);
    onAdd({ kind: 'attribute', attribute, operator, value: operator === 'isEmpty' ? '' : value.trim() }, how);
    setValue('');
  };
  return (
    <div style={{ display: 'grid', gridTemplateColumns: '200px 170px minmax(0, 1fr) auto auto', gap: 8, alignItems: 'end' }}>
      <AttributePicker label="Attribute" value={attribute} onChange={(v) => setAttribute(v ?? '')} testId="rule-attribute" />
      <Field label="Operator">
        <Dropdown
          value={OPERATORS.find((o) => o.value === operator)?.label}
          selectedOptions={[operator]}
          onOptionSelect={(_e, d) => setOperator((d.optionValue as Operator | undefined) ?? 'equals')}
          aria-label="Operator"
          style={{ minWidth: 0 }}
        >
          {OPERATORS.map((o) => (
            <Option key={o.value} value={o.value}>
              {o.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label="Value" validationMessage={error} validationState={error ? 'error' : 'none'}>
        <Input value={value} onChange={(_e, d) => setValue(d.value)} disabled={operator === 'isEmpty'} data-testid="rule-value" />
      </Field>
      <Button onClick={() => add('include')}>Include</Button>
      <Button onClick={() => add('exclude')}>Exclude</Button>
    </div>
  );
}

/** One line: a text box and Add (e-mail / id exclusions, the skip list). */
export function AddLine({ label, hint, placeholder, onAdd, testId }: { label: string; hint: string; placeholder: string; onAdd: (v: string) => void; testId: string }) {
  const [v, setV] = useState('');
  const submit = () => {
    if (!v.trim()) return;
    onAdd(v.trim());
    setV('');
  };
  return (
    <div style={{ display: 'grid', gridTemplateColumns: '1fr auto', gap: 8, alignItems: 'end' }}>
      <Field label={label} hint={hint}>
        <Input
          value={v}
          onChange={(_e, d) => setV(d.value)}
          placeholder={placeholder}
          data-testid={testId}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              submit();
            }
          }}
        />
      </Field>
      <Button onClick={submit} style={{ marginBottom: 22 }}>
        Add
      </Button>
    </div>
  );
}

export function Box({ title, children, hint }: { title: string; hint?: string; children: React.ReactNode }) {
  return (
    <section style={{ display: 'grid', gap: 10, padding: 16, border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusLarge }}>
      <div>
        <h4 style={{ margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: 600 }}>{title}</h4>
        {hint ? <Caption1>{hint}</Caption1> : null}
      </div>
      {children}
    </section>
  );
}
