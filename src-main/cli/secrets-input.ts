/**
 * Secrets for `integration add`: from ROLLCALL_CLIENT_SECRET / ROLLCALL_LMS_TOKEN, or a hidden
 * prompt on a terminal. Never from arguments (they show up in `ps` and shell history) or the file.
 */
import { appError, fail, ok, type Result } from '../core/errors';

export const SECRET_ENV = { clientSecret: 'ROLLCALL_CLIENT_SECRET', lmsToken: 'ROLLCALL_LMS_TOKEN' } as const;

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          process.stderr.write('\n');
          return resolve(value);
        }
        if (ch === '\u0003') {
          cleanup();
          return reject(new Error('cancelled'));
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.on('data', onData);
  });
}

export async function readSecret(kind: keyof typeof SECRET_ENV, label: string, env: NodeJS.ProcessEnv = process.env): Promise<Result<string>> {
  const fromEnv = env[SECRET_ENV[kind]];
  if (fromEnv && fromEnv.trim() !== '') return ok(fromEnv.trim());
  if (!process.stdin.isTTY) {
    return fail(appError('SECRET_MISSING', `The ${label} was not given.`, `Set ${SECRET_ENV[kind]} in the environment (secrets are never taken from arguments or the config file), or run this in a terminal to be asked for it.`));
  }
  try {
    const value = (await promptHidden(`${label} (input hidden): `)).trim();
    return value ? ok(value) : fail(appError('SECRET_MISSING', `No ${label} was entered.`, 'Run the command again and paste the value.'));
  } catch {
    return fail(appError('SECRET_MISSING', `Entering the ${label} was cancelled.`, 'Run the command again.'));
  }
}
