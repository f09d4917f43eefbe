import { Tab, TabList, Title2, tokens } from '@fluentui/react-components';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Notices } from './components/Notices';
import { StatusBar } from './components/StatusBar';
import { TroubleshootPage } from './pages/troubleshoot/TroubleshootPage';
import { IntegrationsPage } from './pages/integrations/IntegrationsPage';
import { DryRunPage } from './pages/dry-run/DryRunPage';
import { HistoryPage } from './pages/history/HistoryPage';
import { SetupWizardPage } from './pages/setup/SetupWizard';
import { usePlanIntent } from './queries';
import { useUiState } from './state';

const PAGES = [
  { path: '/integrations', label: 'Integrations' },
  { path: '/setup', label: 'Setup wizard' },
  { path: '/dry-run', label: 'Dry run' },
  { path: '/troubleshoot', label: 'Troubleshoot user' },
  { path: '/history', label: 'History' },
] as const;

export function App() {
  const location = useLocation();
  const navigate = useNavigate();
  const current = PAGES.find((p) => location.pathname.startsWith(p.path))?.path ?? '/integrations';
  const remembered = useUiState((s) => s.selectedIntegrationId);
  // The Dry run tab opens on the remembered integration: start loading its plan when the pointer rests on the tab.
  const dryRunIntent = usePlanIntent(remembered);
  return (
    <div style={{ display: 'grid', gridTemplateRows: 'auto 1fr auto', height: '100vh' }}>
      <header style={{ display: 'flex', alignItems: 'center', gap: 24, padding: '8px 16px', borderBottom: `1px solid ${tokens.colorNeutralStroke2}` }}>
        <Title2 as="h1">Rollcall</Title2>
        <nav aria-label="Pages">
          <TabList selectedValue={current} onTabSelect={(_e, d) => navigate(String(d.value))}>
            {PAGES.map((p) => (
              <Tab key={p.path} value={p.path} {...(p.path === '/dry-run' ? dryRunIntent : {})}>
                {p.label}
              </Tab>
            ))}
          </TabList>
        </nav>
      </header>
      <main style={{ overflow: 'auto', padding: 16, display: 'grid', gap: 16, alignContent: 'start' }}>
        <Notices />
        <ErrorBoundary key={current}>
          <Routes>
            <Route path="/integrations" element={<IntegrationsPage />} />
            <Route path="/setup" element={<SetupWizardPage />} />
            <Route path="/setup/:id" element={<SetupWizardPage />} />
            <Route path="/setup/:id/credentials" element={<SetupWizardPage credentials />} />
            <Route path="/dry-run" element={<DryRunPage />} />
            <Route path="/dry-run/:id" element={<DryRunPage />} />
            <Route path="/troubleshoot" element={<TroubleshootPage />} />
            <Route path="/troubleshoot/:id" element={<TroubleshootPage />} />
            <Route path="/history" element={<HistoryPage />} />
            <Route path="/history/:id" element={<HistoryPage />} />
            <Route path="/history/:id/:runId" element={<HistoryPage />} />
            <Route path="*" element={<Navigate to="/integrations" replace />} />
          </Routes>
        </ErrorBoundary>
      </main>
      <StatusBar />
    </div>
  );
}
