import { describe, expect, it } from 'vitest';
import { plan } from '../../../src-main/core/plan';
import { steadyTenant, syntheticTenant } from '../../../src-main/core/testing/synthetic';
import { applyPlanToSnapshot } from '../../../src-main/core/testing/apply-plan';
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

  it('in steady state with 1 % changed, plans exactly those updates', () => {
    const t = steadyTenant({ users: 3000, changed: 0.01, now: NOW });
    const p = plan(t.source, t.target, t.config, t.links, NOW);
    expect(t.changedUsers).toBe(30);
    const changedInScope = p.ops.filter((o) => o.kind === 'update' && o.reason === 'attributes_changed');
    expect(p.summary).toMatchObject({ create: 0, deactivate: 0, reactivate: 0, conflict: 0 });
    expect(changedInScope.length).toBe(p.summary.update);
    // Only people still in scope and enabled get the new title; each op says so.
    expect(changedInScope.length).toBeGreaterThan(20);
    expect(changedInScope.length).toBeLessThanOrEqual(30);
    for (const op of changedInScope) expect(op.changes.map((c) => c.to)).toContainEqual(expect.stringContaining('(changed)'));
  });
});
