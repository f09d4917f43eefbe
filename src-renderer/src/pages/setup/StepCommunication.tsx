import { Body1, Caption1, Checkbox, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { AppError } from '../../../../src-preload/api-types';
import { call, toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { queryKeys } from '../../queries';
import type { StepProps } from './wizard-types';

/**
 * Step 6: the LMS e-mails every user created active — the admin turns that off first, and says
 * so. The answer is kept with the integration (until its LMS address changes).
 */
export function StepCommunication({ done, setDone, integration }: StepProps) {
  const client = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<AppError | null>(null);
  const acknowledge = async (checked: boolean) => {
    setDone(checked);
    if (!integration) return;
    setSaving(true);
    setFailure(null);
    try {
      const saved = await call('acknowledgeCommunication', { id: integration.id, acknowledged: checked });
      client.setQueryData(queryKeys.integration(saved.id), saved);
    } catch (err) {
      // Not saved: the box shows what main still holds.
      setFailure(toAppError(err));
      setDone(!checked);
    } finally {
      setSaving(false);
    }
  };
  const at = integration?.communicationAcknowledgedAt;
  return (
    <div style={{ display: 'grid', gap: 14, maxWidth: 860 }} data-testid="step-communication">
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Turn off the LMS’s welcome e-mails first</MessageBarTitle>
          Your LMS sends a welcome (invitation) e-mail to every user created as active. The first apply may create hundreds or thousands of users at once, and
          each of them would get that e-mail before you have told anyone about the new system.
        </MessageBarBody>
      </MessageBar>
      <Body1>
        In your LMS’s administration, open the communication or notification settings and disable the automatic e-mails for new users (welcome, invitation,
        account activation). You can turn them back on after the first sync. If you are unsure, ask your LMS vendor before you enable the integration.
      </Body1>
      <Checkbox
        checked={done}
        disabled={saving}
        onChange={(_e, d) => void acknowledge(d.checked === true)}
        label="I have turned off (or deliberately kept) the LMS’s welcome and invitation e-mails for new users."
        data-testid="ack-communication"
      />
      {done && at ? <Caption1 data-testid="ack-communication-at">Confirmed on {new Date(at).toLocaleString()}.</Caption1> : null}
      {failure ? <ErrorMessage error={failure} title="Could not save your answer" /> : null}
    </div>
  );
}
