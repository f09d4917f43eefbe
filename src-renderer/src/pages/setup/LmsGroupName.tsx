import { Caption1, Field, Input, Link, MessageBar, MessageBarBody, Spinner, tokens } from '@fluentui/react-components';
import type { UseQueryResult } from '@tanstack/react-query';
import { useId, useMemo, type CSSProperties, type ReactElement } from 'react';
import type { LmsGroupList } from '../../../../src-preload/api-types';
import { lmsGroupSuggestions, matchLmsGroup, MAX_LMS_GROUP_NAME, type LmsGroupName } from '../../../../src-main/core/push-group-settings';
import { toAppError } from '../../api';

/** Out of the layout while empty (a polite live region has to be there before what it announces). */
const EMPTY_LIVE_REGION: CSSProperties = { position: 'absolute', width: 1, height: 1, overflow: 'hidden' };

/**
 * Where the LMS's group names stand (useLmsGroups), in one line above the rows: loading, could
 * not be listed (the names can still be typed), or the LMS has no groups at all. In a polite live
 * region that is always there, so a screen reader hears the line come and change.
 */
export function LmsGroupsStatus({ query }: { query: UseQueryResult<LmsGroupList> }) {
  const line = statusLine(query);
  return (
    <div aria-live="polite" data-testid="lms-groups-status" style={line ? undefined : EMPTY_LIVE_REGION}>
      {line}
    </div>
  );
}

function statusLine(query: UseQueryResult<LmsGroupList>): ReactElement | null {
  if (query.isPending && query.fetchStatus !== 'idle') return <Spinner size="extra-tiny" labelPosition="after" label="Loading the LMS’s groups…" style={{ justifyContent: 'start' }} data-testid="lms-groups-loading" />;
  if (query.isError) {
    return (
      <Caption1 data-testid="lms-groups-error" style={{ color: tokens.colorPaletteRedForeground1 }}>
        The LMS’s groups could not be listed, so none are suggested: {toAppError(query.error).message}{' '}
        <Link as="button" inline onClick={() => void query.refetch()}>
          Try again
        </Link>
      </Caption1>
    );
  }
  if (query.data?.groups === null) {
    return (
      <MessageBar intent="warning" data-testid="lms-groups-none">
        <MessageBarBody>This LMS has no groups, so pushed groups are left alone.</MessageBarBody>
      </MessageBar>
    );
  }
  return null;
}

/**
 * A row's LMS group name: free text (a new name creates the group), with the LMS's group names
 * that contain it suggested, and under it whether the name links one of them or creates a group,
 * compared as the apply compares them (without case or outer spaces). That line is a polite live
 * region, there even while empty, so a screen reader hears "links" turn into "creates" as one types.
 */
export function LmsGroupNameField({
  index,
  value,
  error,
  lmsGroups,
  onChange,
}: {
  index: number;
  value: string;
  error: string | undefined;
  /** Undefined while loading or after an error; null when the LMS has no groups. */
  lmsGroups: readonly LmsGroupName[] | null | undefined;
  onChange: (value: string) => void;
}) {
  const listId = useId();
  const suggestions = useMemo(() => (lmsGroups ? lmsGroupSuggestions(value, lmsGroups) : []), [value, lmsGroups]);
  const match = lmsGroups && !error ? matchLmsGroup(value, lmsGroups) : null;
  const warning = match?.kind === 'ambiguous' ? `The LMS has ${match.count} groups named “${match.name}”, so the run leaves it alone: rename or remove the extra ones in the LMS, or type another name.` : undefined;
  const hint = match?.kind === 'links' ? `This links the existing LMS group “${match.name}”.` : match?.kind === 'creates' ? 'This creates a new LMS group.' : undefined;
  return (
    <Field
      validationMessage={error ?? warning}
      validationState={error ? 'error' : warning ? 'warning' : 'none'}
      hint={{
        'aria-live': 'polite',
        children: hint ? (
          <span data-testid="push-group-lms-match" data-match={match?.kind}>
            {hint}
          </span>
        ) : null,
      }}
    >
      <Input
        aria-label={`LMS group name, row ${index + 1}`}
        value={value}
        maxLength={MAX_LMS_GROUP_NAME}
        placeholder="Created, or linked when it exists"
        // Always a list (empty until the names come), so the field keeps one role: a combobox.
        list={listId}
        autoComplete="off"
        onChange={(_e, d) => onChange(d.value)}
        data-testid="push-group-lms-name"
      />
      <datalist id={listId}>
        {suggestions.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </Field>
  );
}
