import { describe, expect, it } from 'vitest';
import { plan } from '../../../src-main/core/plan';
import { syntheticTenant } from '../../../src-main/core/testing/synthetic';
import { applyPlanToSnapshot } from './apply-plan';
import { NOW } from './helpers';

describe('synthetic tenant (the benchmark input)', () => {
  it('is deterministic for a seed', () => {
    expect(syntheticTenant({ users: 200, seed: 7 })).toEqual(syntheticTenant({ users: 200, seed: 7 }));
  });

  it('plans a first sync with every kind of work, and nothing is left after applying it', () => {
    const t = syntheticTenant({ users: 3000 });
    const first = plan(t.source, t.target, t.config, t.links, NOW);
    expect(first.summary.create).toBeGreaterThan(0);
    expect(first.summary.update).toBeGreaterThan(0);
    expect(first.summary.deactivate).toBeGreaterThan(0);
    expect(first.ops.some((o) => o.notices?.some((n) => n.found.includes('U+FEFF BYTE ORDER MARK')))).toBe(true);
    const applied = applyPlanToSnapshot(first, t.target, t.links);
    const second = plan(t.source, applied.target, t.config, applied.links, NOW);
    expect(second.ops).toEqual([]);
    // Everyone the first plan created, updated or reactivated is now simply in step.
    const written = new Set(first.ops.filter((o) => o.kind === 'create' || o.kind === 'update' || o.kind === 'reactivate').map((o) => o.sourceId));
    expect(second.summary.unchanged).toBe(written.size + first.summary.unchanged);
  });
});
