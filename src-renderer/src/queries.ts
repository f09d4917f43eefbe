import { useQuery } from '@tanstack/react-query';
import { call } from './api';

export const queryKeys = {
  appInfo: ['appInfo'] as const,
  integrations: ['integrations'] as const,
};

export function useAppInfo() {
  return useQuery({ queryKey: queryKeys.appInfo, queryFn: () => call('getAppInfo') });
}

export function useIntegrations() {
  return useQuery({ queryKey: queryKeys.integrations, queryFn: () => call('listIntegrations') });
}
