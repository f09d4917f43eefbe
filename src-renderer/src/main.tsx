import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { HashRouter } from 'react-router';
import { App } from './App';
import { ErrorBoundary } from './components/ErrorBoundary';

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: true, staleTime: 5_000 } },
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <FluentProvider theme={webLightTheme} style={{ height: '100%' }}>
        <ErrorBoundary>
          <QueryClientProvider client={queryClient}>
            {/* Hash routing: works from file:// in Electron and from the preview server alike. */}
            <HashRouter>
              <App />
            </HashRouter>
          </QueryClientProvider>
        </ErrorBoundary>
      </FluentProvider>
    </StrictMode>,
  );
}
