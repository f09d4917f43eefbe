import { Field, Input } from '@fluentui/react-components';
import { useId, useState } from 'react';
import { isSourceAttribute, SOURCE_ATTRIBUTES } from '../../../../src-main/core/config';

export const ATTRIBUTE_NAME_HELP = 'Pick an attribute, or type an Entra attribute name: a user property (department), a directory extension (extension_<appId>_costCenter) or onPremisesExtensionAttributes.extensionAttribute1–15.';

/** Why a typed attribute name cannot be used, or null when it can (empty: only where "none" is allowed). */
export function attributeProblem(name: string | null, noneAllowed: boolean): string | null {
  const t = name?.trim() ?? '';
  if (t === '') return noneAllowed ? null : `Choose an Entra attribute. ${ATTRIBUTE_NAME_HELP}`;
  return isSourceAttribute(t) ? null : `"${t}" is not an Entra attribute name. ${ATTRIBUTE_NAME_HELP}`;
}

/**
 * An Entra attribute for a rule or a mapping: the common ones offered as suggestions, any other
 * typed (directory extensions and on-premises extension attributes are where tenants keep cost
 * centres, employee types and the like). Every edit goes to the draft as typed, so the wizard's
 * own checks see a name that is not valid and keep the step from being saved with the old one;
 * the message shows once the field is left.
 */
export function AttributePicker(props: {
  label: string;
  value: string | null;
  /** The typed name, trimmed; null when emptied where `none` is allowed. */
  onChange: (v: string | null) => void;
  /** Shown when empty, for "no attribute"; without it the field needs a name. */
  none?: string;
  hint?: string;
  testId?: string;
  width?: number;
}) {
  const { value, onChange, none } = props;
  const listId = useId();
  const [text, setText] = useState(value ?? '');
  const [left, setLeft] = useState(false);
  // A value changed from outside (a loaded draft) replaces the text, as React's docs do it: in render.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    if ((value ?? '') !== text.trim()) setText(value ?? '');
  }
  const problem = left ? attributeProblem(text, none !== undefined) : null;
  return (
    <>
      <Field label={props.label} hint={problem ? undefined : props.hint} validationMessage={problem ?? undefined} validationState={problem ? 'error' : 'none'}>
        <Input
          value={text}
          placeholder={none}
          list={listId}
          autoComplete="off"
          spellCheck={false}
          onChange={(_e, d) => {
            setText(d.value);
            const v = d.value.trim();
            onChange(v === '' && none !== undefined ? null : v);
          }}
          onBlur={() => setLeft(true)}
          aria-label={props.label}
          data-testid={props.testId}
          style={{ minWidth: 0, maxWidth: props.width }}
        />
      </Field>
      {/* Outside the Field, which takes one control. */}
      <datalist id={listId}>
        {SOURCE_ATTRIBUTES.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
    </>
  );
}
