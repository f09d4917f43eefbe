import { Combobox, Option } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../../api';

/** A searchable single group choice (for mapping tables): type the start of the name, pick one. */
export function GroupSelect({ integrationId, value, valueName, onChange, label }: { integrationId: string | undefined; value: string; valueName: string; onChange: (id: string, name: string) => void; label: string }) {
  const [text, setText] = useState(valueName || value);
  const groups = useQuery({
    queryKey: ['groups', integrationId ?? '', text.trim()],
    queryFn: () => call('searchGroups', { id: integrationId ?? '', prefix: text.trim() }),
    enabled: Boolean(integrationId),
    staleTime: 30_000,
  });
  return (
    <Combobox
      aria-label={label}
      freeform
      placeholder="Find a group…"
      value={text}
      selectedOptions={value ? [value] : []}
      onChange={(e) => setText(e.target.value)}
      onOptionSelect={(_e, d) => {
        if (!d.optionValue) return;
        setText(d.optionText ?? d.optionValue);
        onChange(d.optionValue, d.optionText ?? d.optionValue);
      }}
      style={{ minWidth: 0 }}
    >
      {(groups.data ?? []).map((g) => (
        <Option key={g.id} value={g.id} text={g.displayName}>
          {g.displayName}
        </Option>
      ))}
    </Combobox>
  );
}
