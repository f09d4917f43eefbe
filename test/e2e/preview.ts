/** Starts the real preview entry (out/main/preview.js) on a free loopback port with its own data dir. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from '@playwright/test';
import { CHROMIUM_PATH } from '../../playwright.config';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export function chromiumSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  if (process.env.CI === 'true') throw new Error(`Chromium is required in CI but ${CHROMIUM_PATH} is missing (apt-get install chromium).`);
  return `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium); the e2e tests run in CI.`;
}

export interface RunningPreview {
  url: string;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

export async function startPreview(): Promise<RunningPreview> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'out/main/preview.js'), '--port', '0', '--data-dir', dataDir, '--no-scheduler', '--demo-users', '300'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`preview did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Rollcall preview: (http:\/\/127\.0\.0\.1:\d+\/\?key=[\w-]+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`preview exited with ${code}:\n${output}`)));
  });
  return {
    url,
    dataDir,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Screenshots land here, one per page/state, for humans and the README. */
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results/screenshots');

/**
 * The usual set-up of a spec file: skip it without Chromium (never in CI), give its tests
 * `timeoutMs` each, and start one preview for them all. Call at the top of the file; the returned
 * function gives the running preview inside a test.
 */
export function previewForThisFile(timeoutMs?: number): () => RunningPreview {
  const skip = chromiumSkipReason();
  test.skip(skip !== null, skip ?? '');
  if (timeoutMs !== undefined) test.describe.configure({ timeout: timeoutMs });
  let running: RunningPreview | undefined;
  test.beforeAll(async () => {
    running = await startPreview();
  });
  test.afterAll(async () => {
    await running?.stop();
  });
  return () => {
    if (!running) throw new Error('The preview did not start (see beforeAll).');
    return running;
  };
}

