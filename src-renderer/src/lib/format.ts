import { showHidden } from '../../../src-main/core/normalise';
import type { FieldChange } from '../../../src-preload/api-types';

/** Hidden characters made visible: "⟨U+FEFF⟩Sales" (the same rendering as core and the CLI). */
export { showHidden };

/** A field value as the admin reads it: department paths joined with " › ", hidden characters shown. */
export function formatValue(value: FieldChange['from']): string {
  if (value === null) return '(empty)';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(showHidden).join(' › ');
  return value === '' ? '(empty)' : showHidden(value);
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function duration(startIso: string, endIso: string | null): string {
  if (!endIso) return '—';
  const ms = Date.parse(endIso) - Date.parse(startIso);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1_000) return `${ms} ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${s % 60} s`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}
