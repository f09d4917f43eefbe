import { Body1, Checkbox, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import type { StepProps } from './wizard-types';

/** Step 6: the LMS e-mails every user created active — the admin turns that off first, and says so. */
export function StepCommunication({ done, setDone }: StepProps) {
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
        onChange={(_e, d) => setDone(d.checked === true)}
        label="I have turned off (or deliberately kept) the LMS’s welcome and invitation e-mails for new users."
        data-testid="ack-communication"
      />
    </div>
  );
}
