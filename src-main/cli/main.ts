/**
 * `rollcall`: the headless command line (DESIGN.md §8). Runs the same main-process services as
 * the desktop app, against the same data directory and keychain entries.
 */
import { appVersion } from '../app-context';
import { isAppError } from '../core/errors';
import { defaultDataDir } from '../store/data-dir';
import { applyCommand, checkCommand, historyCommand, planCommand } from './commands/runs';
import { diagnoseCommand } from './commands/diagnose';
import { unmanagedCommand } from './commands/unmanaged';
import { demoCommand, simCommand } from './commands/demo';
import { integrationCommand } from './commands/integration';
import { createCliContext, parseCommandArgs, reportNotices, UsageError, type Command } from './context';
import { exitCodeFor, ExitCode } from './exit-codes';
import { createOutput } from './output';

const GLOBAL_HELP = `global options: --data-dir DIR (default: the desktop app's data directory, or ROLLCALL_DATA_DIR), --json (machine-readable output)
exit codes: 0 ok · 1 finished with per-user failures, or failed · 2 bad usage or config · 3 credentials invalid · 4 blocked by a safety guard`;

function takeGlobal(argv: string[]): { rest: string[]; dataDir: string | null; json: boolean } {
  const rest: string[] = [];
  let dataDir: string | null = null;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--json') json = true;
    else if (a === '--data-dir') {
      const v = argv[++i];
      if (!v) throw new UsageError('--data-dir needs a folder.', 'For example: --data-dir /srv/rollcall');
      dataDir = v;
    } else if (a.startsWith('--data-dir=')) dataDir = a.slice('--data-dir='.length);
    else rest.push(a);
  }
  return { rest, dataDir, json };
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let json = argv.includes('--json');
  const out = createOutput(json);
  try {
    const global = takeGlobal(argv);
    json = global.json;
    const commands: Record<string, Command> = {
      demo: demoCommand(global.dataDir !== null),
      sim: simCommand,
      integration: integrationCommand,
      check: checkCommand,
      plan: planCommand,
      apply: applyCommand,
      history: historyCommand,
      diagnose: diagnoseCommand,
      unmanaged: unmanagedCommand,
    };
    const [name, ...rest] = global.rest;
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      out.out(`rollcall ${appVersion()} — keep your LMS in step with Microsoft Entra ID\n\nusage: rollcall <command> [options]\n`);
      for (const [n, c] of Object.entries(commands)) out.out(`  ${n.padEnd(12)} ${c.summary}`);
      out.out(`\n${GLOBAL_HELP}\nRun rollcall <command> --help for the options of a command.`);
      return name ? ExitCode.ok : ExitCode.usage;
    }
    if (name === '--version' || name === 'version') return out.out(appVersion()), ExitCode.ok;
    const command = commands[name];
    if (!command) throw new UsageError(`Unknown command "${name}".`, `Run rollcall --help for the list: ${Object.keys(commands).join(', ')}.`);
    const { values, positionals } = parseCommandArgs(command, name, rest);
    if (values.help) {
      out.out(`${command.summary}\n\nusage: ${command.usage}\n\n${GLOBAL_HELP}`);
      return ExitCode.ok;
    }
    const ctx = createCliContext(createOutput(json), global.dataDir ?? defaultDataDir(env), env);
    if (name === 'demo' || name === 'sim') return await command.run(ctx, values as Record<string, string | boolean | undefined>, positionals);
    const reported = await reportNotices(ctx);
    try {
      return await command.run(ctx, values as Record<string, string | boolean | undefined>, positionals);
    } finally {
      await reportNotices(ctx, reported);
    }
  } catch (err) {
    const o = createOutput(json);
    if (err instanceof UsageError) return o.error(err.toAppError()), ExitCode.usage;
    // Thrown errors keep the exit code of their kind: a locked data file waits like a run (4).
    if (isAppError(err)) return o.error(err), exitCodeFor(err);
    const e = err as { error?: unknown; message?: string };
    if (isAppError(e.error)) return o.error(e.error), exitCodeFor(e.error);
    o.error({ code: 'INTERNAL', message: `Rollcall hit an unexpected problem: ${e.message ?? 'unknown error'}.`, fix: 'Run the command again; if it keeps happening, report it with the command you ran (never include secrets).' });
    return ExitCode.failed;
  }
}

/** Runs the CLI and exits once everything written has reached stdout (a pipe may be slow). */
export function runCli(argv: string[] = process.argv.slice(2)): void {
  main(argv).then(
    (code) => process.stdout.write('', () => process.exit(code)),
    () => process.exit(ExitCode.failed),
  );
}

// `npm run rollcall -- …` / `npm run demo` run this file directly with tsx.
if (process.argv[1] !== undefined && /cli[/\\]main\.ts$/.test(process.argv[1])) runCli();
