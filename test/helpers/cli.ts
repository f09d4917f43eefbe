import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (TypeScript source through tsx) as a child process. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src-main/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ROLLCALL_CLIENT_SECRET: undefined, ROLLCALL_LMS_TOKEN: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rollcall ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export interface TerminalResult {
  code: number;
  /** What the terminal showed: stdout, stderr and the echoed answer, in order. */
  screen: string;
  /** The question the CLI asked (the screen up to it), or null when it asked none. */
  asked: string | null;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Whether runCliInTerminal can give the CLI a terminal here (util-linux `script`). */
/**
 * Whether the CLI can be run on a pseudo-terminal here (util-linux `script`). With CI=true the
 * terminal tests run regardless, and fail without it rather than skip.
 */
export function terminalAvailable(): boolean {
  return process.env.CI === 'true' || (process.platform === 'linux' && spawnSync('script', ['--version']).status === 0);
}

/**
 * Runs the real CLI on a pseudo-terminal (util-linux `script`), as an admin at a terminal: stdin
 * is a TTY. When the screen ends with `[y/N] `, `answer` is typed followed by Enter.
 */
export function runCliInTerminal(args: string[], answer: string, env: Record<string, string | undefined> = {}, timeoutMs = 120_000): Promise<TerminalResult> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, '--import', 'tsx', path.join(ROOT, 'src-main/cli/main.ts'), ...args].map(shellQuote).join(' ');
    const child = spawn('script', ['--quiet', '--flush', '--return', '--command', command, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, ROLLCALL_CLIENT_SECRET: undefined, ROLLCALL_LMS_TOKEN: undefined, TERM: 'dumb', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let asked: string | null = null;
    child.stdout.on('data', (c: Buffer) => {
      screen += c.toString();
      if (asked === null && /\[y\/N\] $/.test(screen)) {
        asked = screen;
        child.stdin.write(`${answer}\r`);
      }
    });
    child.stderr.on('data', (c: Buffer) => (screen += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rollcall ${args.join(' ')} (in a terminal) timed out\n${screen}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, screen, asked });
    });
  });
}
