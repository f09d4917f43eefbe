/** `rollcall integration add` names the keys of a config file the settings do not know. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unknownKeys } from '../../src-main/cli/config-keys';
import { IntegrationConfigSchema } from '../../src-main/core/config';
import { startDemoTenant } from '../../src-main/demo/tenant';

const README = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
/** The README's example config file (its "Integration config file" section). */
const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(README)?.[1]?.replace('"0b6d…"', '"0b6d1f2e-0000-4000-8000-000000000001"') ?? 'null') as unknown;

const check = (raw: unknown) => unknownKeys(raw, IntegrationConfigSchema.parse(raw));

describe('unknown keys in a config file', () => {
  it("finds none in the README's example, in what the app exports, or in the demo's config", async () => {
    expect(check(example)).toEqual([]);
    const exported = IntegrationConfigSchema.parse(example);
    expect(check(JSON.parse(JSON.stringify(exported)))).toEqual([]);
    const demo = await startDemoTenant({ users: 5, seed: 1 });
    try {
      expect(check(JSON.parse(JSON.stringify(demo.config)))).toEqual([]);
    } finally {
      await demo.close();
    }
  });

  it('names a misspelt setting with the one it is close to, however deep, in rules too', () => {
    const typo = structuredClone(example) as { deactivation: Record<string, unknown>; scope: { exclude: Array<Record<string, unknown>> } };
    delete typo.deactivation.deactivateUsers;
    typo.deactivation.deactivateUser = true;
    typo.scope.exclude[0] = { ...typo.scope.exclude[0], vlaue: 'x' };
    expect(check(typo)).toEqual([
      { path: 'scope.exclude.0.vlaue', didYouMean: null },
      { path: 'deactivation.deactivateUser', didYouMean: 'deactivateUsers' },
    ]);
    expect(check({ ...(example as object), colour: 'blue' })).toEqual([{ path: 'colour', didYouMean: null }]);
  });
});
