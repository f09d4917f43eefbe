#!/usr/bin/env node
// `rollcall` on the PATH: the built CLI when `npm run build` has run, else the TypeScript source via tsx.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'out/main/cli.js');
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  // tsx from this project, not from the folder the admin runs `rollcall` in (npm link puts it on the PATH).
  const tsx = pathToFileURL(createRequire(path.join(root, 'package.json')).resolve('tsx')).href;
  const r = spawnSync(process.execPath, ['--import', tsx, path.join(root, 'src-main/cli/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
  process.exit(r.status ?? 1);
}
