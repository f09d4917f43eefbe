/** Shared set-up of the SCIM Groups tests: a simulator with generated users and a client, and how to read its groups. */
import { afterEach } from 'vitest';
import { startLmsSimulator, type LmsSimulator, type LmsSimulatorOptions } from '../../../src-main/demo/lms';
import type { Json } from '../../../src-main/demo/lms/store';
import type { ScimTarget } from '../../../src-main/lms';
import { client, TOKEN } from './helpers';

/** Starts simulators and clients for a test file, closed after each test (`onClose` checks each simulator first). */
export function groupTestSetup(onClose?: (sim: LmsSimulator) => void) {
  const sims: LmsSimulator[] = [];
  const clients: ScimTarget[] = [];
  afterEach(async () => {
    for (const t of clients.splice(0)) t.close();
    for (const s of sims.splice(0)) {
      onClose?.(s);
      await s.close();
    }
  });
  return async function start(users: number, over: Partial<LmsSimulatorOptions> = {}, target?: (baseUrl: string) => ScimTarget): Promise<{ sim: LmsSimulator; t: ScimTarget; ids: string[] }> {
    const sim = await startLmsSimulator({ token: TOKEN, seed: { departments: [], jobProfiles: [], permissionTypes: [], users: [], generatedUsers: users }, ...over });
    sims.push(sim);
    const t = target ? target(sim.baseUrl) : client(sim.baseUrl, { concurrency: 4 });
    clients.push(t);
    return { sim, t, ids: sim.users().map((u) => String(u.id)) };
  };
}

/** A group put straight into the LMS (as an LMS admin would make it): members by id, or with their type. */
export function seedGroup(sim: LmsSimulator, displayName: string, members: ReadonlyArray<string | undefined | { value: string; type?: string }> = [], extra: Json = {}): string {
  const listed = members.map((m) => (typeof m === 'object' ? m : { value: m ?? '' }));
  return String(sim.store.putGroup(null, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, members: listed, ...extra }).id);
}

export const stored = (sim: LmsSimulator, id: string): Json | undefined => sim.groups().find((g) => g.id === id);
export const groupMembers = (g: Json | undefined): Array<{ value: string; type?: string }> => (Array.isArray(g?.members) ? (g.members as Array<{ value: string; type?: string }>) : []);
/** The group's user members (not groups inside it), sorted. */
export const userIds = (g: Json | undefined): string[] => groupMembers(g).filter((m) => m.type === undefined || m.type === 'User').map((m) => m.value).sort();
/** The SCIM path of a logged request (the log has the whole path, /scim/v2 included). */
export const scimPath = (path: string): string => path.replace(/^\/scim\/v2/, '');
export const groupRequests = (sim: LmsSimulator, method: string) => sim.requests().filter((r) => r.method === method && scimPath(r.path).startsWith('/Groups')).map((r) => ({ ...r, path: scimPath(r.path) }));
