/**
 * A deterministic synthetic tenant + LMS of any size, for benchmarks and smoke tests. Pure:
 * the same options give the same snapshots (seeded PRNG, no clock).
 */
import { ScimPath, type Link, type SourceSnapshot, type SourceUser, type TargetSnapshot, type TargetUser } from '../model';
import type { PlanConfig } from '../plan';
import { plan } from '../plan';
import { applyPlanToSnapshot } from './apply-plan';
import { capabilities, group, link, planConfig, sourceSnapshot, sourceUser, targetSnapshot, targetUser } from './builders';

export interface SyntheticOptions {
  users: number;
  seed?: number;
  /** Share of source users already in the LMS and linked (default 0.7). */
  linked?: number;
  /** Share of source users in the LMS, unlinked, matching by e-mail (default 0.1). */
  unlinkedMatches?: number;
  /** Share of source users disabled in Entra (default 0.03). */
  disabled?: number;
  /** Share of source users outside the include group (default 0.05). */
  outOfScope?: number;
}

export interface SyntheticTenant {
  source: SourceSnapshot;
  target: TargetSnapshot;
  links: Link[];
  config: PlanConfig;
}

import { prng } from '../prng';

export { prng };

const DEPARTMENTS = ['Sales', 'Sales\uFEFF', 'Support', 'Engineering', 'Finance', 'HR ', 'Marketing'];
const COUNTRIES = ['GB', 'DE', 'SE', 'US', 'FR', 'IT', null];

function guid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

export function syntheticTenant(options: SyntheticOptions): SyntheticTenant {
  const random = prng(options.seed ?? 1);
  const linkedShare = options.linked ?? 0.7;
  const matchShare = options.unlinkedMatches ?? 0.1;
  const disabledShare = options.disabled ?? 0.03;
  const outShare = options.outOfScope ?? 0.05;
  const users: SourceUser[] = [];
  const targets: TargetUser[] = [];
  const links: Link[] = [];
  const emea: string[] = [];
  const direct: string[] = [];
  for (let i = 0; i < options.users; i++) {
    const id = guid(i + 1);
    const mail = `user${i}@contoso.com`;
    const department = DEPARTMENTS[Math.floor(random() * DEPARTMENTS.length)] ?? null;
    users.push(
      sourceUser(id, {
        displayName: `User ${i}`,
        givenName: 'User',
        surname: String(i),
        mail,
        userPrincipalName: mail,
        department,
        jobTitle: random() < 0.5 ? 'Consultant' : 'Manager',
        country: COUNTRIES[Math.floor(random() * COUNTRIES.length)] ?? null,
        accountEnabled: random() >= disabledShare,
        managerId: i > 10 ? guid(1 + Math.floor(random() * 10)) : null,
      }),
    );
    if (random() >= outShare) (random() < 0.5 ? emea : direct).push(id);
    const roll = random();
    if (roll < linkedShare) {
      const tid = `lms-${i}`;
      targets.push(targetUser(tid, { externalId: id, userName: mail, emails: [mail], attributes: { [ScimPath.department]: ['Sales'] } }));
      links.push(link(id, tid));
    } else if (roll < linkedShare + matchShare) {
      targets.push(targetUser(`lms-${i}`, { userName: mail.toUpperCase(), emails: [mail] }));
    }
  }
  // LMS accounts nobody in Entra has any more, some owned by this integration.
  const orphans = Math.floor(options.users * 0.02);
  for (let i = 0; i < orphans; i++) {
    targets.push(targetUser(`lms-orphan-${i}`, { externalId: guid(10_000_000 + i) }));
    if (i % 2 === 0) links.push(link(guid(10_000_000 + i), `lms-orphan-${i}`));
  }
  const groups = [group('g-all', 'All Staff', direct, ['g-emea']), group('g-emea', 'Sales EMEA', emea)];
  return {
    source: sourceSnapshot(users, groups),
    target: targetSnapshot(targets, { capabilities: capabilities() }),
    links,
    config: planConfig({
      scope: { include: [{ kind: 'group', groupId: 'g-all', groupName: 'All Staff' }] },
      deactivation: { deactivateUsers: true, thresholdCount: 1_000_000, thresholdPercent: 100 },
      mapping: { contentRegion: { enabled: true, attribute: 'country' } },
    }),
  };
}

/**
 * The scheduled run's case (issue #6's benchmark): the synthetic tenant after its first sync
 * was applied, then `changed` of its users changed in Entra (a new job title) — so the plan
 * has that much work and everyone else is in step.
 */
export function steadyTenant(options: SyntheticOptions & { changed: number; now: Date }): SyntheticTenant & { changedUsers: number } {
  const t = syntheticTenant(options);
  const applied = applyPlanToSnapshot(plan(t.source, t.target, t.config, t.links, options.now), t.target, t.links);
  const every = Math.max(1, Math.round(1 / options.changed));
  let changedUsers = 0;
  const users = t.source.users.map((u, i) => {
    if (i % every !== 0) return u;
    changedUsers++;
    return { ...u, jobTitle: `${u.jobTitle ?? 'Staff'} (changed)` };
  });
  return { source: { ...t.source, users }, target: applied.target, links: applied.links, config: t.config, changedUsers };
}
