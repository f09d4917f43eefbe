/** rollcall integration add|list|show|enable|disable|remove */
import { readFile } from 'node:fs/promises';
import { IntegrationConfigSchema, lmsAddressProblem } from '../../core/config';
import { appError } from '../../core/errors';
import { canRemoveNow, createIntegration, nextRunAt, refreshSetupStatus, removeIntegration, secretWarning, setEnabled, storeSecret, summarise } from '../../store/integrations';
import { checkAndRecord } from '../../sync/check';
import type { StoredIntegration } from '../../store/settings';
import type { Store } from '../../store/store';
import { askYesNo, canAsk } from '../confirm';
import { exitCodeFor, ExitCode } from '../exit-codes';
import { checkExitCode, printRecordedCheck, recordedCheckJson } from './runs';
import { table } from '../output';
import { unknownKeys } from '../config-keys';
import { readSecret } from '../secrets-input';
import { requireIntegration, requireString, UsageError, type CliContext, type Command } from '../context';

/** What `--json` prints for an integration: settings and status, never a secret. */
async function describe(ctx: CliContext, record: StoredIntegration) {
  const store = await ctx.openStore();
  const s = await summarise(store, ctx.secrets(), record, ctx.now());
  if (!s.ok) throw new UsageError(s.error.message, s.error.fix);
  return s.value;
}

function configProblem(file: string, field: string, problem: string) {
  return appError('CONFIG_INVALID', `${file}: ${field} ${problem}.`, `Correct ${field} in ${file} (see the README's "Integration config file" section) and run the command again.`, { field });
}

async function add(ctx: CliContext, values: Record<string, string | boolean | undefined>): Promise<number> {
  const file = requireString(values, 'config', 'rollcall integration add --config FILE');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    ctx.out.error(e.code === 'ENOENT' ? appError('CONFIG_INVALID', `The config file ${file} does not exist.`, 'Check the path.') : configProblem(file, 'the file', `is not valid JSON (${e.message})`));
    return ExitCode.usage;
  }
  if (typeof raw === 'object' && raw !== null && ('clientSecret' in raw || 'secret' in raw || 'token' in raw)) {
    ctx.out.error(configProblem(file, 'the file', 'contains a secret; secrets are never read from files'));
    return ExitCode.usage;
  }
  const parsed = IntegrationConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    ctx.out.error(configProblem(file, first?.path.join('.') || 'the file', first?.message ?? 'is not valid'));
    return ExitCode.usage;
  }
  const address = lmsAddressProblem(parsed.data.target.baseUrl);
  if (address !== null) return ctx.out.error(configProblem(file, 'target.baseUrl', address)), ExitCode.usage;
  // The schema drops keys it does not know: a misspelt setting would be ignored without a word.
  const unknown = unknownKeys(raw, parsed.data)[0];
  if (unknown) {
    const secretLike = /secret|token|password|apikey|api_key/i.test(unknown.path.split('.').pop() ?? '');
    ctx.out.error(
      secretLike
        ? configProblem(file, unknown.path, 'looks like a secret; secrets are never read from files (use ROLLCALL_CLIENT_SECRET / ROLLCALL_LMS_TOKEN or the hidden prompt)')
        : configProblem(file, unknown.path, `is not a setting Rollcall knows${unknown.didYouMean ? ` (did you mean "${unknown.didYouMean}"?)` : ''}`),
    );
    return ExitCode.usage;
  }
  const secrets = ctx.secrets();
  const available = await secrets.available();
  if (!available.ok) {
    ctx.out.error(available.error);
    return ExitCode.usage;
  }
  const clientSecret = await readSecret('clientSecret', 'Entra client secret (the Value, not the Secret ID)', ctx.env);
  if (!clientSecret.ok) return ctx.out.error(clientSecret.error), ExitCode.usage;
  const token = await readSecret('lmsToken', 'LMS token', ctx.env);
  if (!token.ok) return ctx.out.error(token.error), ExitCode.usage;

  const store = await ctx.openStore();
  const record = await createIntegration(store, parsed.data, ctx.now());
  for (const [kind, value] of [['clientSecret', clientSecret.value], ['lmsToken', token.value]] as const) {
    const r = await storeSecret(store, secrets, record.id, kind, value);
    if (!r.ok) {
      await removeIntegration(store, secrets, record.id);
      ctx.out.error(r.error);
      return ExitCode.usage;
    }
  }
  await refreshSetupStatus(store, secrets, record.id);
  const stored = await requireIntegration(ctx, record.id);
  if (ctx.out.json) ctx.out.result(await describe(ctx, stored));
  else ctx.out.out(`Added integration ${stored.id} (${stored.config.name}), status ${stored.status}. Check it with: rollcall check --integration ${stored.id}`);
  return ExitCode.ok;
}

async function list(ctx: CliContext): Promise<number> {
  const store = await ctx.openStore();
  const all = [];
  for (const r of store.settings.data.integrations) all.push(await describe(ctx, r));
  if (ctx.out.json) ctx.out.result(all);
  else if (all.length === 0) ctx.out.out('No integrations yet. Add one with: rollcall integration add --config FILE');
  else ctx.out.out(table(['ID', 'NAME', 'STATUS', 'LAST RUN', 'NEXT RUN'], all.map((i) => [i.id, i.name, i.status, i.lastRunAt, i.nextRunAt])));
  return ExitCode.ok;
}

async function show(ctx: CliContext, id: string): Promise<number> {
  const s = await describe(ctx, await requireIntegration(ctx, id));
  if (ctx.out.json) ctx.out.result(s);
  else {
    ctx.out.out(`${s.name} (${s.id})`);
    ctx.out.out(`  Status:        ${s.status}${s.statusReason ? ` — ${s.statusReason.message} What to do: ${s.statusReason.fix}` : ''}`);
    ctx.out.out(`  Entra tenant:  ${s.config.source.tenantId} (${s.config.source.cloud}), app ${s.config.source.clientId}`);
    ctx.out.out(`  LMS:           ${s.config.target.baseUrl}`);
    // A keychain this process cannot reach (cron without a Secret Service) is not a missing secret.
    const secret = (label: string, stored: boolean) => (stored ? 'stored in the keychain' : s.setupMissing.some((m) => m.startsWith(label) && m.includes('keychain unavailable')) ? 'in a keychain this process cannot reach' : 'MISSING');
    ctx.out.out(`  Secrets:       client secret ${secret('Entra client secret', s.secrets.clientSecret.stored)}${s.secrets.clientSecret.expiresOn ? ` (expires ${s.secrets.clientSecret.expiresOn})` : ''}, LMS token ${secret('LMS token', s.secrets.lmsToken.stored)}`);
    const include = s.config.scope.include.length;
    ctx.out.out(`  Scope:         ${include === 0 ? 'no include rules: EVERY user in the tenant is in scope' : `${include} include rule(s)`}, ${s.config.scope.exclude.length} exclude rule(s), ${s.config.scope.skipList.length} on the skip list`);
    ctx.out.out(`  Deactivation:  ${s.config.deactivation.deactivateUsers ? 'on' : 'off'}; Last Day ${s.config.deactivation.useLastDay ? 'on' : 'off'}`);
    ctx.out.out(`  Schedule:      every ${s.config.schedule.everyHours} h; last run ${s.lastRunAt ?? 'never'}; next ${s.nextRunAt ?? '—'}`);
  }
  return ExitCode.ok;
}

async function toggle(ctx: CliContext, id: string, enabled: boolean, communicationConfirmed = false): Promise<number> {
  const store = await ctx.openStore();
  await requireIntegration(ctx, id);
  const r = await setEnabled(store, ctx.secrets(), id, enabled, ctx.now(), { communicationConfirmed });
  if (!r.ok) return ctx.out.error(r.error), ExitCode.usage;
  const record = await requireIntegration(ctx, id);
  if (ctx.out.json) ctx.out.result(await describe(ctx, record));
  else ctx.out.out(enabled ? `Enabled ${id}. The next run is a full sync (${nextRunAt(record, ctx.now()) ?? 'now'}).` : `Disabled ${id}. No data was changed; nothing is read or written until it is enabled again.`);
  return ExitCode.ok;
}

/**
 * The desktop app's "Update credentials": a new client secret and/or LMS token (from
 * ROLLCALL_CLIENT_SECRET / ROLLCALL_LMS_TOKEN or a hidden prompt), then the same checks as
 * `rollcall check`. Refused ones keep the integration red; a clean pass turns it back. The
 * integration, its history and its links stay: no remove and add again.
 */
async function credentials(ctx: CliContext, id: string, values: Record<string, string | boolean | undefined>): Promise<number> {
  const kinds = (['clientSecret', 'lmsToken'] as const).filter((k) => values[k === 'clientSecret' ? 'client-secret' : 'lms-token'] === true);
  if (kinds.length === 0) throw new UsageError('Say which credential to replace.', `Add --client-secret, --lms-token or both: rollcall integration credentials --integration ${id} --client-secret`);
  const store = await ctx.openStore();
  await requireIntegration(ctx, id);
  const secrets = ctx.secrets();
  const available = await secrets.available();
  if (!available.ok) return ctx.out.error(available.error), ExitCode.usage;
  // Every value read and checked before any is stored: one missing never leaves half the pair replaced.
  const newValues: Array<{ kind: (typeof kinds)[number]; value: string }> = [];
  for (const kind of kinds) {
    const value = await readSecret(kind, kind === 'clientSecret' ? 'New Entra client secret (the Value, not the Secret ID)' : 'New LMS token', ctx.env);
    if (!value.ok) return ctx.out.error(value.error), ExitCode.usage;
    const warning = secretWarning(kind, value.value);
    if (warning) return ctx.out.error(warning), ExitCode.usage;
    newValues.push({ kind, value: value.value });
  }
  for (const { kind, value } of newValues) {
    const stored = await storeSecret(store, secrets, id, kind, value);
    if (!stored.ok) return ctx.out.error(stored.error), exitCodeFor(stored.error);
  }
  const result = await checkAndRecord(store, secrets, id);
  if (!result.ok) return ctx.out.error(result.error), exitCodeFor(result.error);
  if (ctx.out.json) ctx.out.result({ replaced: kinds, ...recordedCheckJson(result.value) });
  else {
    ctx.out.out(`Stored the new ${kinds.map((k) => (k === 'clientSecret' ? 'client secret' : 'LMS token')).join(' and ')} in the keychain. Checking them:`);
    printRecordedCheck(ctx, result.value);
  }
  return checkExitCode(result.value);
}

/**
 * What removing an integration loses, as the app's Remove dialog says it, with the counts that
 * make it concrete (a history or link table that cannot be read is said without its count).
 */
async function whatRemoveLoses(store: Store, record: StoredIntegration): Promise<string> {
  const count = async (read: () => Promise<number>) => read().then((n) => n, () => null);
  const runs = await count(async () => (await store.runs(record.id)).data.runs.length);
  const links = await count(async () => (await store.links(record.id)).data.links.length);
  const n = (value: number | null, one: string, many: string) => (value === null ? '' : ` (${value.toLocaleString('en-US')} ${value === 1 ? one : many})`);
  return [
    'its settings',
    'its client secret and LMS token in the keychain',
    `its run history${n(runs, 'run', 'runs')} and audit logs`,
    `its link table${n(links, 'linked LMS account', 'linked LMS accounts')}`,
    'and the copies of Entra and LMS users it kept',
  ].join(', ');
}

/** Removes an integration for good: asked on a terminal, --yes in a script (like apply). */
async function remove(ctx: CliContext, id: string, yes: boolean): Promise<number> {
  const store = await ctx.openStore();
  const record = await requireIntegration(ctx, id);
  if (!yes) {
    // Not asked only to be refused after "y": a run in progress is said first (exit 4).
    const now = await canRemoveNow(store, id);
    if (!now.ok) return ctx.out.error(now.error), exitCodeFor(now.error);
    const who = `${record.config.name} (${id})`;
    const loses = await whatRemoveLoses(store, record);
    const stops = record.enabled ? ' It is enabled: its scheduled syncs stop.' : '';
    if (!canAsk(ctx)) {
      throw new UsageError(
        `integration remove deletes ${who} for good: ${loses}.${stops} It needs --yes ${ctx.out.json ? 'with --json' : 'when not run in a terminal'}.`,
        `Check that it is the one to remove (rollcall integration show --integration ${id}), then run: rollcall integration remove --integration ${id} --yes`,
      );
    }
    const question = `Remove ${who}? This deletes ${loses}.${stops} Nothing changes in the LMS: the users it created stay as they are. [y/N] `;
    if (!(await askYesNo(question))) return ctx.out.out('Nothing was removed.'), ExitCode.ok;
  }
  const r = await removeIntegration(store, ctx.secrets(), id);
  if (!r.ok) return ctx.out.error(r.error), exitCodeFor(r.error);
  if (ctx.out.json) ctx.out.result({ id, removed: true });
  else ctx.out.out(`Removed ${id}: its settings, keychain entries, run history, audit logs, link table and cached snapshots. LMS accounts were not touched.`);
  return ExitCode.ok;
}

export const integrationCommand: Command = {
  summary: 'add, list, show, enable, disable or remove integrations',
  usage: `rollcall integration add --config FILE     secrets from ROLLCALL_CLIENT_SECRET / ROLLCALL_LMS_TOKEN or a hidden prompt
rollcall integration list
rollcall integration show|enable|disable --integration ID
rollcall integration remove --integration ID [--yes]    deletes it with its history and link table: asks first on a terminal, --yes in a script
rollcall integration enable --integration ID --emails-confirmed    the LMS's welcome e-mails for new users are off (or kept on purpose)
rollcall integration credentials --integration ID [--client-secret] [--lms-token]   replace them (from ROLLCALL_CLIENT_SECRET / ROLLCALL_LMS_TOKEN or a hidden prompt), then check`,
  options: { config: { type: 'string' }, integration: { type: 'string' }, 'emails-confirmed': { type: 'boolean' }, 'client-secret': { type: 'boolean' }, 'lms-token': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } },
  async run(ctx, values, positionals) {
    const [action] = positionals;
    const id = () => requireString(values, 'integration', `rollcall integration ${action ?? ''} --integration ID`);
    switch (action) {
      case 'add':
        return add(ctx, values);
      case 'list':
        return list(ctx);
      case 'show':
        return show(ctx, id());
      case 'enable':
        return toggle(ctx, id(), true, values['emails-confirmed'] === true);
      case 'disable':
        return toggle(ctx, id(), false);
      case 'remove':
        return remove(ctx, id(), values.yes === true);
      case 'credentials':
        // A value typed after the flag would be an argument, kept in the shell's history: refused.
        if (positionals.length > 1) throw new UsageError('Secrets are never taken from arguments (they stay in the shell history and the process list).', 'Set ROLLCALL_CLIENT_SECRET / ROLLCALL_LMS_TOKEN, or run it in a terminal to be asked without echo.');
        return credentials(ctx, id(), values);
      default:
        throw new UsageError(action ? `Unknown action "${action}".` : 'Say what to do with integrations.', 'Use one of: add, list, show, enable, disable, credentials, remove.');
    }
  },
};
