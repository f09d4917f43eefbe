/**
 * The installer config cannot be exercised here (no Electron binary), so check what can be:
 * it is valid for electron-builder's own schema, and the fuses are hardened as DESIGN.md §6 asks.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const config = JSON.parse(readFileSync(path.join(ROOT, 'electron-builder.json'), 'utf8')) as Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  files: string[];
  extraMetadata: { main: string };
};

describe('packaging (electron-builder)', () => {
  it('is valid for electron-builder’s configuration schema', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const { $schema: _ignored, ...rest } = config;
    expect(validate(rest), JSON.stringify(validate.errors, null, 1)).toBe(true);
  });

  it('hardens the Electron fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.asar).toBe(true);
  });

  it('builds installers for Windows (NSIS), macOS (dmg) and Linux (AppImage, deb)', () => {
    expect(JSON.stringify(config.win)).toContain('nsis');
    expect(JSON.stringify(config.mac)).toContain('dmg');
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'] });
  });

  it('packs the built bundles and starts the Electron main bundle', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(config.files).toContain('out/**');
    expect(config.extraMetadata.main).toBe(pkg.main);
    expect(readFileSync(path.join(ROOT, 'resources/icon.png')).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('the rollcall command (bin/rollcall.mjs, put on the PATH by npm link)', () => {
  it('runs from any folder, not only from the project (it found tsx from the current folder)', () => {
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    // The launcher as installed without a build (no out/): a copy of bin/ beside links to the sources.
    const root = mkdtempSync(path.join(os.tmpdir(), 'rollcall-bin-'));
    try {
      mkdirSync(path.join(root, 'bin'));
      copyFileSync(path.join(ROOT, 'bin/rollcall.mjs'), path.join(root, 'bin/rollcall.mjs'));
      for (const entry of ['node_modules', 'src-main', 'src-preload', 'package.json', 'tsconfig.json', 'tsconfig.base.json', 'tsconfig.node.json']) {
        // 'junction' for folders: a plain Windows account may not make directory symlinks.
        if (existsSync(path.join(ROOT, entry))) symlinkSync(path.join(ROOT, entry), path.join(root, entry), entry.includes('.') ? 'file' : 'junction');
      }
      const r = spawnSync(process.execPath, [path.join(root, 'bin/rollcall.mjs'), '--version'], { cwd: os.tmpdir(), encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe(version);
      expect(r.status).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
