/**
 * What crosses the bridge between main and renderer: plain data, never a secret. These are
 * transfer shapes, separate from the storage schema, so the store can change without the UI.
 */
import type { AppError } from '../src-main/core/errors';
import type { IntegrationConfig, IntegrationStatus } from '../src-main/core/config';

export type { AppError, Result } from '../src-main/core/errors';
export type { IntegrationConfig, IntegrationConfigInput, IntegrationStatus } from '../src-main/core/config';

export interface Notice {
  id: string;
  level: 'info' | 'warning';
  message: string;
  fix: string;
}

export interface AppInfo {
  name: string;
  version: string;
  dataDir: string;
  platform: string;
  /** Desktop app, browser preview (no Electron binary) or CLI. */
  runtime: 'electron' | 'preview';
  keychain: { available: boolean; problem: AppError | null };
  notices: Notice[];
}

export interface SecretState {
  stored: boolean;
}

export interface IntegrationSummary {
  id: string;
  name: string;
  status: IntegrationStatus;
  /** Why the status is invalid / error, with the fix. */
  statusReason: AppError | null;
  config: IntegrationConfig;
  secrets: {
    clientSecret: SecretState & { expiresOn: string | null };
    lmsToken: SecretState;
  };
  /** What is still missing before the integration can be enabled (empty when complete). */
  setupMissing: string[];
  createdAt: string;
  updatedAt: string;
  enabledAt: string | null;
  lastRunAt: string | null;
  nextRunAt: string | null;
}

export interface SetSecretResult {
  stored: true;
  /** A likely mistake worth a second look (e.g. the Secret ID pasted instead of its Value). */
  warning: AppError | null;
}
