/**
 * What the CLI test files share: the demo simulators on loopback, a throwaway data directory,
 * the real CLI against it, and integrations added the way an admin adds them (secrets from the
 * environment into the real keychain).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startDemoTenant, type DemoTenant } from '../../../src-main/demo/tenant';
import { KeytarSecretStore } from '../../../src-main/secrets/keytar-store';
import { runCli, type CliResult } from '../../helpers/cli';
import { missingSystemPart } from '../../helpers/system';

const keychain = await new KeytarSecretStore().available();
/** Why the keychain tests skip here (never in CI, where a missing keychain fails them). */
export const keychainSkipReason = keychain.ok ? null : missingSystemPart('The OS keychain', keychain.error.message);

export interface CliKit {
  demo: DemoTenant;
  dataDir: string;
  /** Every CLI output so far, for "no secret anywhere" checks. */
  outputs: CliResult[];
  cli(args: string[], env?: Record<string, string | undefined>): Promise<CliResult>;
  /** Adds an integration for the demo tenant (secrets from the environment); returns its id. */
  addIntegration(name?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startCliKit(options: { users: number; seed: number; prefix: string }): Promise<CliKit> {
  const demo = await startDemoTenant({ users: options.users, seed: options.seed });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `rollcall-${options.prefix}-`));
  const added: string[] = [];
  const outputs: CliResult[] = [];
  const cli = async (args: string[], env: Record<string, string | undefined> = {}) => {
    const r = await runCli(['--data-dir', dataDir, ...args], env);
    outputs.push(r);
    return r;
  };
  return {
    demo,
    dataDir,
    outputs,
    cli,
    async addIntegration(name = demo.config.name) {
      // Written outside the data directory, which tests scan.
      const configFile = `${dataDir}-${added.length}-config.json`;
      await writeFile(configFile, JSON.stringify({ ...demo.config, name }));
      try {
        const r = await cli(['integration', 'add', '--config', configFile, '--json'], { ROLLCALL_CLIENT_SECRET: demo.clientSecret, ROLLCALL_LMS_TOKEN: demo.lmsToken });
        if (r.code !== 0) throw new Error(`integration add failed (${r.code}): ${r.stderr}`);
        const id = (JSON.parse(r.stdout) as { id: string }).id;
        added.push(id);
        return id;
      } finally {
        await rm(configFile, { force: true });
      }
    },
    async close() {
      // Whatever a test left in the keychain goes with the data directory.
      const secrets = new KeytarSecretStore();
      for (const id of added) for (const kind of ['clientSecret', 'lmsToken'] as const) await secrets.delete(id, kind);
      await demo.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
