/**
 * The LMS departments an integration created (store createdDepartments), written by every apply
 * (a sync's, and provision on demand's) and read by each dry run to name those nobody is in any
 * more (core/departments.ts). Each entry names the LMS it was made in: an integration pointed at
 * another LMS (a sandbox, then production) must not judge that one's departments by the old ids.
 * A courtesy list: reading or writing it never fails a run.
 */
import type { TargetDirectory } from '../core/directories';
import type { Store } from '../store/store';

/** The LMS address as entries keep it: no trailing slash, case kept (paths may be case-sensitive). */
const lmsKey = (baseUrl: string): string => baseUrl.trim().replace(/\/+$/, '');

/**
 * Saves what the LMS client reports it created (TargetDirectory.createdDepartments) to the list,
 * once per id: right after an apply's departments step, and again at its end (departments a user
 * write had to make). Best effort: a failure loses only the note for these departments.
 */
export async function saveCreatedDepartments(store: Store, integrationId: string, target: Pick<TargetDirectory, 'createdDepartments'>, lmsBaseUrl: string, now: () => Date): Promise<void> {
  const made = target.createdDepartments?.() ?? [];
  if (made.length === 0) return;
  try {
    const list = await store.createdDepartments(integrationId);
    // Called after the departments step and again at the end: no rewrite when nothing is new.
    const listed = new Set(list.data.created.map((d) => d.id));
    if (made.every((d) => listed.has(d.id))) return;
    await list.update((file) => {
      const known = new Set(file.created.map((d) => d.id));
      for (const d of made) {
        if (known.has(d.id)) continue;
        known.add(d.id);
        file.created.push({ id: d.id, path: d.path, createdAt: now().toISOString(), lms: lmsKey(lmsBaseUrl) });
      }
    });
  } catch {
    // The note is a courtesy (see above).
  }
}

/** The departments this integration created in the LMS at this address, or none when the list cannot be read. */
export async function createdDepartmentsOf(store: Store, integrationId: string, lmsBaseUrl: string): Promise<ReadonlyArray<{ id: string }>> {
  try {
    const here = lmsKey(lmsBaseUrl);
    return (await store.createdDepartments(integrationId)).data.created.filter((d) => d.lms === here);
  } catch {
    return [];
  }
}
