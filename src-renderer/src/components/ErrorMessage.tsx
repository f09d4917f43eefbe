import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import type { AppError } from '../../../src-preload/api-types';

/** Every error the admin sees says what happened and what to do, never a stack trace. */
export function ErrorMessage({ error, title }: { error: AppError; title?: string }) {
  return (
    <MessageBar intent="error" layout="multiline" data-testid="error-message" data-error-code={error.code}>
      <MessageBarBody>
        <MessageBarTitle>{title ?? error.message}</MessageBarTitle>
        {title ? <div>{error.message}</div> : null}
        <div>
          <strong>What to do: </strong>
          {error.fix}
        </div>
      </MessageBarBody>
    </MessageBar>
  );
}
