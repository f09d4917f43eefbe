/** How values read in the checklist: hidden characters visible, durations in words. */
import type { AttrValue, TargetUser } from '../model';
import { showHidden } from '../normalise';
import type { Evidence } from './types';

/** A raw value as the admin should see it: "Sales⟨U+FEFF⟩", a path "Contoso / Sales", "(empty)". */
export function shown(value: AttrValue | undefined): string {
  if (value === null || value === undefined) return '(empty)';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(showHidden).join(' / ');
  return value === '' ? '(empty)' : `"${showHidden(value)}"`;
}

/** A list of names: "Learner, Manager" or "(none)". */
export function listed(values: readonly string[]): string {
  return values.length === 0 ? '(none)' : values.map(showHidden).join(', ');
}

export { personName } from '../normalise';

/** "2 h 10 min", "45 min", "3 days 2 h". */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 1) return 'less than a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} day${days > 1 ? 's' : ''} ${hours} h` : `${days} day${days > 1 ? 's' : ''}`;
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}

/** "in 2 h 10 min" / "now" / "5 min ago", from now to an ISO time. */
export function relative(now: Date, iso: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const ms = at - now.getTime();
  if (Math.abs(ms) < 60_000) return 'now';
  return ms > 0 ? `in ${duration(ms)}` : `${duration(-ms)} ago`;
}

/** "2026-03-01 12:00 UTC". */
export function when(iso: string | null): string {
  if (!iso) return '(unknown)';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One LMS account in a line: "LMS account 123 (anna@contoso.com, externalId 9f…, active)". */
export function account(t: Pick<TargetUser, 'id' | 'userName' | 'externalId' | 'active'>): string {
  return `LMS account ${t.id} (${t.userName}, externalId ${t.externalId ?? '(none)'}, ${t.active ? 'active' : 'inactive'})`;
}

export function ev(label: string, value: string): Evidence {
  return { label, value };
}
