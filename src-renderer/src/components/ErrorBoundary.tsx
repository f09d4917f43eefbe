import { Button } from '@fluentui/react-components';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { toAppError } from '../api';
import { ErrorMessage } from './ErrorMessage';

interface State {
  error: unknown;
}

/** A bug in one page shows a readable error with a way back, not a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('Rollcall window error', error, info.componentStack);
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div style={{ padding: 24, display: 'grid', gap: 12, maxWidth: 720 }} role="alert">
        <ErrorMessage error={toAppError(this.state.error)} title="This page ran into a problem" />
        <div>
          <Button appearance="primary" onClick={() => this.setState({ error: null })}>
            Try again
          </Button>
        </div>
      </div>
    );
  }
}
