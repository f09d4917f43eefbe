/**
 * The LMS departments an integration created (store createdDepartments), written by every apply
 * (a sync's, and provision on demand's) and read by each dry run to name those nobody is in any
 * more (core/departments.ts). A courtesy list: reading or writing it never fails a run.
 */
import type { Store } from '../store/store';

/**
 * Adds the departments an apply created to the integration's list (once per id). Best effort: the
 * list only feeds the dry run's note of departments nobody is in, so a write that fails loses that
 * note for these departments, never the apply's result.
 */
export async function recordCreatedDepartments(store: Store, integrationId: string, made: ReadonlyArray<{ id: string; path: string[]; createdAt: string }>): Promise<void> {
  try {
    const list = await store.createdDepartments(integrationId);
    await list.update((file) => {
      const known = new Set(file.created.map((d) => d.id));
      for (const d of made) if (!known.has(d.id)) file.created.push(d);
    });
  } catch {
    // The note is a courtesy (see above).
  }
}

/** The departments this integration created, or none when the list cannot be read (it only feeds a note). */
export async function createdDepartmentsOf(store: Store, integrationId: string): Promise<ReadonlyArray<{ id: string }>> {
  try {
    return (await store.createdDepartments(integrationId)).data.created;
  } catch {
    return [];
  }
}
