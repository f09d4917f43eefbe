/**
 * The handler table, typed from the API map in src-preload/api.ts: a method without a handler,
 * or a handler with the wrong input or output, does not compile. Inputs arrive validated.
 */
import os from 'node:os';
import { appError, fail, ok, type Result } from '../core/errors';
import { lmsAddressProblem } from '../core/config';
import type { InputOf, MethodName, OutputOf } from '../../src-preload/api';
import {
  createIntegration,
  findIntegration,
  integrationNotFound,
  refreshSetupStatus,
  removeIntegration,
  setEnabled,
  summarise,
  updateIntegration,
  acknowledgeCommunication,
  storeSecret,
  secretWarning,
} from '../store/integrations';
import type { HandlerContext } from './context';
import { planHandlers } from './plan-handlers';
import { runHandlers } from './run-handlers';

export type Handlers = {
  [K in MethodName]: (input: InputOf<K>, ctx: HandlerContext) => Promise<Result<OutputOf<K>>>;
};

async function summaryOf(ctx: HandlerContext, id: string) {
  const record = findIntegration(ctx.store, id);
  if (!record) return fail(integrationNotFound(id));
  return summarise(ctx.store, ctx.secrets, record, ctx.now());
}

function lmsAddressError(problem: string) {
  return appError('CONFIG_INVALID', `The SCIM base URL ${problem}.`, 'Use the https:// address of your LMS\'s SCIM API (its administration or API settings show it).', { field: 'target.baseUrl' });
}

export const handlers: Handlers = {
  async getAppInfo(_input, ctx) {
    const keychain = await ctx.secrets.available();
    const dismissed = new Set(ctx.store.settings.data.preferences.dismissedNotices);
    return ok({
      name: 'Rollcall',
      version: ctx.appVersion,
      dataDir: ctx.store.dataDir,
      platform: `${os.platform()} ${os.arch()}`,
      runtime: ctx.runtime,
      keychain: { available: keychain.ok, problem: keychain.ok ? null : keychain.error },
      notices: ctx.store.notices
        .filter((n) => !dismissed.has(`${n.id}@${n.at}`))
        .map((n) => ({ id: `${n.id}@${n.at}`, level: n.level, message: n.message, fix: n.fix })),
    });
  },

  async dismissNotice({ id }, ctx) {
    await ctx.store.settings.update((s) => {
      if (!s.preferences.dismissedNotices.includes(id)) s.preferences.dismissedNotices.push(id);
    });
    return ok({ dismissed: true as const });
  },

  async listIntegrations(_input, ctx) {
    const out = [];
    for (const record of ctx.store.settings.data.integrations) {
      const s = await summarise(ctx.store, ctx.secrets, record, ctx.now());
      if (!s.ok) return s;
      out.push(s.value);
    }
    return ok(out);
  },

  async getIntegration({ id }, ctx) {
    return summaryOf(ctx, id);
  },

  async createIntegration({ config }, ctx) {
    const address = lmsAddressProblem(config.target.baseUrl);
    if (address !== null) return fail(lmsAddressError(address));
    const record = await createIntegration(ctx.store, config, ctx.now());
    return summaryOf(ctx, record.id);
  },

  async updateIntegration({ id, config }, ctx) {
    const address = lmsAddressProblem(config.target.baseUrl);
    // An address saved before the rule may stay as it is; a new one must follow it.
    if (address !== null && findIntegration(ctx.store, id)?.config.target.baseUrl !== config.target.baseUrl) return fail(lmsAddressError(address));
    const r = await updateIntegration(ctx.store, ctx.secrets, id, config, ctx.now());
    if (!r.ok) return r;
    return summaryOf(ctx, id);
  },

  async removeIntegration({ id }, ctx) {
    const r = await removeIntegration(ctx.store, ctx.secrets, id);
    return r.ok ? ok({ removed: true as const }) : r;
  },

  async acknowledgeCommunication({ id, acknowledged }, ctx) {
    const r = await acknowledgeCommunication(ctx.store, id, acknowledged, ctx.now());
    if (!r.ok) return r;
    return summaryOf(ctx, id);
  },

  async setIntegrationEnabled({ id, enabled, communicationConfirmed }, ctx) {
    const r = await setEnabled(ctx.store, ctx.secrets, id, enabled, ctx.now(), { communicationConfirmed });
    if (!r.ok) return r;
    return summaryOf(ctx, id);
  },

  async setSecret({ integrationId, kind, value }, ctx) {
    if (!findIntegration(ctx.store, integrationId)) return fail(integrationNotFound(integrationId));
    const stored = await storeSecret(ctx.store, ctx.secrets, integrationId, kind, value);
    if (!stored.ok) return stored;
    return ok({ stored: true as const, warning: secretWarning(kind, value) });
  },

  async clearSecret({ integrationId, kind }, ctx) {
    if (!findIntegration(ctx.store, integrationId)) return fail(integrationNotFound(integrationId));
    const r = await ctx.secrets.delete(integrationId, kind);
    if (!r.ok) return r;
    await ctx.store.settings.update((s) => {
      const record = s.integrations.find((i) => i.id === integrationId);
      if (record) record.credentialFor[kind] = null;
    });
    const refreshed = await refreshSetupStatus(ctx.store, ctx.secrets, integrationId);
    if (!refreshed.ok) return refreshed;
    return ok({ stored: false as const });
  },

  ...runHandlers,
  ...planHandlers,
};
