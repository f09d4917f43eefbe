import { Combobox, Field, Option } from '@fluentui/react-components';
import { useState } from 'react';
import { SOURCE_ATTRIBUTE_PATTERN, SOURCE_ATTRIBUTES } from '../../../../src-main/core/config';

const NAME_HELP = 'Pick an attribute, or type an Entra attribute name: a user property (department), a directory extension (extension_<appId>_costCenter) or onPremisesExtensionAttributes.extensionAttribute1–15.';

/**
 * An Entra attribute for a rule or a mapping: the common ones to pick from, or any other typed
 * (directory extensions and on-premises extension attributes are where tenants keep cost centres,
 * employee types and the like). A typed name is kept only when it is a valid attribute name.
 */
export function AttributePicker(props: {
  label: string;
  value: string | null;
  onChange: (v: string | null) => void;
  /** The text shown for "no attribute"; when set, the picker offers it. */
  none?: string;
  hint?: string;
  testId?: string;
  width?: number;
}) {
  const { value, onChange, none } = props;
  const [text, setText] = useState(value ?? '');
  const [error, setError] = useState<string | undefined>();
  // A value changed from outside (a loaded draft) replaces the text, as React's docs do it: in render.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value ?? '');
  }
  const commit = (raw: string) => {
    const name = raw.trim();
    if (name === '' || (none !== undefined && name === none)) {
      if (none !== undefined) {
        setError(undefined);
        setText('');
        if (value !== null) onChange(null);
      } else setError(NAME_HELP);
      return;
    }
    if (!SOURCE_ATTRIBUTE_PATTERN.test(name)) {
      setError(`"${name}" is not an Entra attribute name. ${NAME_HELP}`);
      return;
    }
    setError(undefined);
    setText(name);
    if (name !== value) onChange(name);
  };
  return (
    <Field label={props.label} hint={error ? undefined : props.hint} validationMessage={error} validationState={error ? 'error' : 'none'}>
      <Combobox
        freeform
        value={text}
        placeholder={none}
        selectedOptions={value ? [value] : []}
        onChange={(e) => setText(e.target.value)}
        onOptionSelect={(_e, d) => commit(d.optionValue ?? '')}
        onBlur={() => commit(text)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(text);
        }}
        aria-label={props.label}
        data-testid={props.testId}
        style={{ minWidth: 0, maxWidth: props.width }}
      >
        {none !== undefined ? (
          <Option value="" text={none}>
            {none}
          </Option>
        ) : null}
        {SOURCE_ATTRIBUTES.map((a) => (
          <Option key={a} value={a}>
            {a}
          </Option>
        ))}
      </Combobox>
    </Field>
  );
}
