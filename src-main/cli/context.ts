import { parseArgs, type ParseArgsConfig } from 'node:util';
import { appError, type AppError } from '../core/errors';
import { KeytarSecretStore } from '../secrets/keytar-store';
import type { SecretStore } from '../secrets/secret-store';
import { findIntegration, integrationNotFound } from '../store/integrations';
import type { StoredIntegration } from '../store/settings';
import { Store } from '../store/store';
import type { Output } from './output';

export interface CliContext {
  out: Output;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  openStore(): Promise<Store>;
  secrets(): SecretStore;
}

export function createCliContext(out: Output, dataDir: string, env: NodeJS.ProcessEnv): CliContext {
  let store: Promise<Store> | null = null;
  let secrets: SecretStore | null = null;
  return {
    out,
    dataDir,
    env,
    now: () => new Date(),
    openStore: () => (store ??= Store.open(dataDir)),
    secrets: () => (secrets ??= new KeytarSecretStore()),
  };
}

/** A usage problem, reported with exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
  toAppError(): AppError {
    return appError('USAGE', this.message, this.fix);
  }
}

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CliContext, values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

export function parseCommandArgs(command: Command, name: string, argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]}`, `See \`rollcall ${name} --help\`.`);
  }
}

export function requireString(values: Record<string, string | boolean | undefined>, name: string, command: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required.`, `Usage: ${command}`);
  return v.trim();
}

export async function requireIntegration(ctx: CliContext, id: string): Promise<StoredIntegration> {
  const store = await ctx.openStore();
  const record = findIntegration(store, id);
  if (!record) {
    const known = store.settings.data.integrations.map((i) => `${i.id} (${i.config.name})`).join(', ');
    const e = integrationNotFound(id);
    throw new UsageError(e.message, known ? `Known integrations: ${known}.` : 'There are no integrations yet: add one with `rollcall integration add --config FILE`.');
  }
  return record;
}

/**
 * Store notices (a restored settings file, an upgrade, a backup copy that could not be written)
 * are worth a line on stderr: those found on opening before the command, those raised by it after.
 * Returns what has been reported, to pass back in after the command.
 */
export async function reportNotices(ctx: CliContext, reported: ReadonlySet<string> = new Set()): Promise<Set<string>> {
  const store = await ctx.openStore();
  const now = new Set(reported);
  for (const n of store.notices) {
    const key = `${n.id}@${n.at}@${n.file}`;
    if (now.has(key)) continue;
    now.add(key);
    ctx.out.err(`Notice: ${n.message} ${n.fix}`);
  }
  return now;
}
