/**
 * What a plan was made from besides the reads, as one short string (Plan.basis): Diagnose answers
 * from the last plan only while it still holds.
 */
import type { Link } from './model';
import { planConfigKey, type PlanConfig } from './plan';

/** 53-bit string hash (cyrb53): a short fingerprint, not a secret. */
function fingerprint(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * What a plan was made from besides the reads: the settings plan() uses and the link tables (their
 * size and newest link: a Relink, an apply's new links). Diagnose answers from the last plan only
 * while this is unchanged: a new include rule, an Ignore or a Relink since then makes it read again.
 */
export function planBasis(config: PlanConfig, links: readonly Link[], otherLinks: readonly Link[] = []): string {
  let newest = '';
  for (const l of links) if (l.linkedAt > newest) newest = l.linkedAt;
  for (const l of otherLinks) if (l.linkedAt > newest) newest = l.linkedAt;
  return `${fingerprint(planConfigKey(config))}:${links.length}:${otherLinks.length}:${newest}`;
}
