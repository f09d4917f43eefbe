/**
 * Commands that change or delete something for good (apply, integration remove) ask first on a
 * terminal; a script says --yes instead. Without a terminal (or with --json, which is for scripts)
 * and without --yes they refuse: a scheduled job must never wait for an answer nobody gives.
 */
import type { CliContext } from './context';

/** Whether a question can be asked and answered: a person at a terminal, not a script reading --json. */
export function canAsk(ctx: CliContext): boolean {
  return process.stdin.isTTY === true && !ctx.out.json;
}

/**
 * Asks a yes/no question on stderr (stdout stays the result). Only "y" or "yes" is a yes; Enter,
 * anything else, Ctrl+C and Ctrl+D are a no.
 */
export async function askYesNo(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const stop = new AbortController();
  rl.once('SIGINT', () => stop.abort());
  rl.once('close', () => stop.abort());
  try {
    const answer = await rl.question(question, { signal: stop.signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    // Cancelled: readline has already ended the line.
    return false;
  } finally {
    rl.close();
  }
}
