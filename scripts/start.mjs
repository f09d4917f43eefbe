#!/usr/bin/env node
// `npm start`: build the three bundles, then open the desktop app. Electron's binary is not
// downloaded at install time (package.json allowScripts); it is fetched here on first run. Where
// that is impossible (no internet), say so in one line and serve the browser preview instead.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// With nothing configured, `npm start` opens on the built-in demo tenant (an evaluator's first look).
const passThrough = ['--demo-if-empty', ...process.argv.slice(2)];

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
}

function electronBinary() {
  try {
    // The electron package exports the binary's path, and throws when the binary is missing.
    return require('electron');
  } catch {
    return null;
  }
}

const build = run(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) {
  console.error('Rollcall could not be built (see the errors above). Run `npm install` and try again.');
  process.exit(1);
}

let binary = electronBinary();
if (!binary) {
  const install = run(process.execPath, [path.join(root, 'node_modules/electron/install.js')], { stdio: 'ignore', timeout: 300_000 });
  binary = install.status === 0 ? electronBinary() : null;
}

const child = binary
  ? spawn(binary, ['.', ...passThrough], { cwd: root, stdio: 'inherit' })
  : (console.log("Electron's binary is not installed and could not be downloaded (offline?), so Rollcall opens as a browser preview instead:"),
    spawn(process.execPath, [path.join(root, 'out/main/preview.js'), ...passThrough], { cwd: root, stdio: 'inherit' }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
