/**
 * What the person looks like in the LMS, field by field: department (with hidden characters
 * made visible), job profile, permission types, manager/approvers and the other mapped
 * attributes. Values come from core's mapUser()/chooseJobProfile(); pending changes from the
 * plan's op, so nothing here re-derives what the next run writes.
 */
import { departmentPathOf, existingDepartmentPaths } from '../departments';
import { fieldLabel, sameValue } from '../diff';
import { chooseJobProfile, countryCodeOf, countryValue, mergePermissionTypes, permissionValuesOf, vendorField } from '../mapping';
import { ScimPath, type AttrValue, type FieldChange, type SourceUser, type TargetUser } from '../model';
import { cleanText } from '../normalise';
import { sourceAttribute } from '../scope';
import { isEmptyValue } from '../plan-person';
import { pathThrough } from './checks-scope';
import type { DiagnoseContext } from './context';
import { ev, listed, personName, shown } from './format';
import type { Check, Evidence } from './types';

/** The LMS account the person has or gets: linked, or the one the op writes to. */
function lmsAccountOf(ctx: DiagnoseContext): TargetUser | null {
  if (ctx.linkedTarget) return ctx.linkedTarget;
  const id = ctx.usersOp?.kind !== 'conflict' ? ctx.usersOp?.targetId : null;
  return id ? (ctx.targetById.get(id) ?? null) : null;
}

function pending(ctx: DiagnoseContext, field: string): FieldChange | null {
  return ctx.ops.flatMap((op) => (op.kind === 'conflict' || op.kind === 'skip' ? [] : op.changes)).find((c) => c.field === field) ?? null;
}

function textOf(value: string | string[] | null): string | null {
  return Array.isArray(value) ? (value.length === 0 ? null : value.join(', ')) : value;
}

export const UPDATE_OFF = '"Update user attributes" is off';
export const UPDATE_OFF_FIX = 'Turn on "Update user attributes" in the integration\'s settings (What the integration may change); the next sync writes the mapped values.';

function keptEvidence(c: FieldChange): Evidence {
  return ev(`Not written: ${fieldLabel(c.field)}`, `LMS keeps ${shown(c.from)}; the mapping says ${shown(c.to)}`);
}

/** The check's failure when "Update user attributes" being off keeps this field out of the LMS. */
function keptByUpdateOff(ctx: DiagnoseContext, field: string, check: Pick<Check, 'id' | 'title' | 'evidence'>, what: (value: AttrValue) => string): Check | null {
  const kept = ctx.keptByUpdateOff.find((c) => c.field === field);
  if (!kept) return null;
  return { ...check, status: 'fail', detail: `${UPDATE_OFF}, so the LMS keeps ${what(kept.from)} instead of ${what(kept.to)}.`, fix: UPDATE_OFF_FIX, evidence: [...check.evidence, ev('Update user attributes', 'off')] };
}

const OWN_CHECK_FIELDS = new Set<string>([ScimPath.department, ScimPath.manager]);

export function attributesCheck(ctx: DiagnoseContext): Check {
  const title = 'Attribute mapping';
  const m = ctx.mapped;
  if (!m) return { id: 'attributes', status: 'info', title, detail: 'Not evaluated.', fix: null, evidence: [] };
  const t = lmsAccountOf(ctx);
  const skipSuffix = [':jobProfile', ':permissionTypes', ':approvers', ':contentRegion'];
  const fields = Object.entries(m.attributes).filter(([f]) => !OWN_CHECK_FIELDS.has(f) && !skipSuffix.some((s) => f.endsWith(s)));
  const current = (f: string): AttrValue => (t ? (t.attributes[f] ?? (f === ScimPath.email ? (t.emails[0] ?? null) : null)) : null);
  const evidence: Evidence[] = fields.map(([f, v]) => ev(fieldLabel(f), `Entra → ${shown(v)}${t ? `; LMS now ${shown(current(f))}` : ''}`));
  const changes = ctx.ops.flatMap((op) => (op.kind === 'update' || op.kind === 'reactivate' ? op.changes : [])).filter((c) => fields.some(([f]) => f === c.field) || c.field === 'userName');
  if (!t) return { id: 'attributes', status: 'info', title, detail: ctx.usersOp?.kind === 'create' ? `These values are written when the account is created ${ctx.nextSync}.` : 'There is no LMS account to compare with.', fix: null, evidence };
  const kept = ctx.keptByUpdateOff.filter((c) => c.field === 'userName' || fields.some(([f]) => f === c.field));
  if (kept.length > 0) {
    return { id: 'attributes', status: 'fail', title, detail: `${UPDATE_OFF}, so the existing LMS account keeps its own values; it differs from the mapping in ${kept.map((c) => fieldLabel(c.field)).join(', ')}.`, fix: UPDATE_OFF_FIX, evidence: [...evidence, ...kept.map(keptEvidence)] };
  }
  if (changes.length > 0) {
    return {
      id: 'attributes',
      status: 'info',
      title,
      detail: `The LMS differs from the mapping in ${changes.map((c) => fieldLabel(c.field)).join(', ')}; the next sync writes them (${ctx.nextSync}).`,
      fix: 'To write them now, use Provision on demand for this user.',
      evidence: [...evidence, ...changes.map((c) => ev(`Change ${fieldLabel(c.field)}`, `${shown(c.from)} → ${shown(c.to)}`))],
    };
  }
  return { id: 'attributes', status: 'pass', title, detail: 'The LMS account has the mapped values.', fix: null, evidence };
}

/** Raw spellings of one department across the tenant: "Sales" and "Sales⟨U+FEFF⟩" are the same to Rollcall, not to everyone. */
function spellings(ctx: DiagnoseContext, attribute: string, normalised: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const u of ctx.inputs.source.users) {
    const raw = textOf(sourceAttribute(u, attribute));
    // Cleaning never lengthens a value: only longer ones can be a hidden-character spelling.
    if (raw === null || (raw !== normalised && (raw.length <= normalised.length || cleanText(raw) !== normalised))) continue;
    counts.set(raw, (counts.get(raw) ?? 0) + 1);
  }
  return counts;
}

const SEP = '\u0000';

function both(items: string[]): string {
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

function creating(ctx: DiagnoseContext, path: string[] | null): string {
  const key = (path ?? []).join(SEP);
  return ctx.inputs.plan.departmentsToCreate.some((p) => p.join(SEP) === key) ? ` and creates ${shown(path)} ${ctx.nextSync}` : '';
}

export function departmentCheck(ctx: DiagnoseContext, subject: SourceUser): Check {
  const title = 'Department';
  const { mapping } = ctx.config;
  const caps = ctx.inputs.target.capabilities;
  if (!caps.enterpriseExtension && !caps.departments) {
    return { id: 'department', status: 'info', title, detail: 'The LMS takes no department (no enterprise extension, no department resource), so none is written.', fix: null, evidence: [] };
  }
  const attribute = mapping.department.attribute;
  const raw = textOf(sourceAttribute(subject, attribute));
  const wanted = ctx.mapped?.attributes[ScimPath.department] ?? null;
  const path = Array.isArray(wanted) ? wanted : null;
  const t = lmsAccountOf(ctx);
  const lmsNow = t ? (t.attributes[ScimPath.department] ?? null) : null;
  const notices = (ctx.mapped?.notices ?? []).filter((n) => n.attribute === 'department');
  const evidence: Evidence[] = [ev(`Entra ${attribute}`, shown(raw)), ev('Written to the LMS', shown(path))];
  if (t) evidence.push(ev('LMS now', shown(lmsNow)));
  evidence.push(ev('Change departments', mapping.changeDepartments ? 'on' : 'off'));
  if (caps.flatDepartments) evidence.push(ev('LMS departments', 'one level: only the last level of a department path is written'));
  for (const n of notices) evidence.push(ev('Hidden characters', `${shown(n.raw)} → "${n.normalised}": ${n.found.join(', ')}`));
  const name = personName(subject);
  let caseTwins: string[] = [];

  if (path !== null) {
    const departments = ctx.inputs.target.departments;
    const key = path.join('\u0000');
    const creating = ctx.inputs.plan.departmentsToCreate.some((p) => p.join('\u0000') === key);
    const exists = departments !== null && existingDepartmentPaths(departments).has(key);
    evidence.push(ev('In the LMS', departments === null ? 'the LMS has no department list; written as text' : exists ? 'exists' : creating ? `missing: created ${ctx.nextSync}, before the users` : 'missing'));
    const leaf = path[path.length - 1] ?? '';
    const twins = (departments ?? []).filter((d) => d.name.toLowerCase() === leaf.toLowerCase());
    if (twins.length > 1) evidence.push(ev('Same name in the LMS', `${twins.length} departments are called "${leaf}" (ids ${twins.map((d) => d.id).join(', ')})`));
    // Siblings that differ only in case, none spelled as mapped: the LMS client picks neither and creates the mapped name.
    const byId = new Map((departments ?? []).map((d) => [d.id, d]));
    const wantedKey = path.join(SEP).toLowerCase();
    const sameLevel = twins.length > 1 && !exists ? twins.filter((d) => departmentPathOf(d, byId).join(SEP).toLowerCase() === wantedKey) : [];
    if (sameLevel.length > 1) caseTwins = sameLevel.map((d) => `"${d.name}" (${d.id})`);
    const variants = spellings(ctx, attribute, cleanText(raw) ?? '');
    if (variants.size > 1) evidence.push(ev('Spellings in Entra', [...variants.entries()].map(([v, n]) => `${shown(v)} (${n} user${n > 1 ? 's' : ''})`).join(', ')));
  }

  const differs = t !== null && path !== null && !sameValue(ScimPath.department, lmsNow, path);
  if (!mapping.changeDepartments && differs) {
    return { id: 'department', status: 'fail', title, detail: `"Change departments" is off, so the LMS keeps ${shown(lmsNow)} while Entra says ${shown(path)}.`, fix: 'Turn on "Change departments" in the integration\'s mapping settings; the next sync moves the user.', evidence };
  }
  const notWritten = keptByUpdateOff(ctx, ScimPath.department, { id: 'department', title, evidence }, shown);
  if (notWritten) return notWritten;
  if (caps.flatDepartments && mapping.department.under.length > 0 && path !== null) {
    const under = mapping.department.under.join(' / ');
    return { id: 'department', status: 'warn', title, detail: `"Below the LMS department" (${under}) is not used: this LMS's departments have one level, so ${shown(path)} is written at the top.`, fix: 'Clear "Below the LMS department" in the integration\'s mapping settings, or ask the LMS vendor for department levels.', evidence };
  }
  if (caseTwins.length > 0) {
    return { id: 'department', status: 'warn', title, detail: `The LMS has ${both(caseTwins)} at the same level, differing only in case, and none is spelled ${shown(path)}: Rollcall cannot tell which is meant, so it uses neither${creating(ctx, path)}.`, fix: `Merge these LMS departments into one, or rename one to exactly "${path?.[path.length - 1] ?? ''}"; the next sync then uses it.`, evidence };
  }
  if (notices.length > 0) {
    const n = notices[0];
    return {
      id: 'department',
      status: 'warn',
      title,
      detail: `The department in Entra is ${shown(raw)}: it contains ${n?.found.join(', ')}. It looks right but is not the same text. Rollcall removes these characters and writes ${shown(path)}.`,
      fix: `Retype the department of ${name} in Entra as "${n?.normalised ?? ''}" (remove the hidden characters), so rules and other systems that compare it exactly see the same value.`,
      evidence,
    };
  }
  if (raw === null || path === null) {
    return { id: 'department', status: 'warn', title, detail: `${name} has no ${attribute} in Entra, so the LMS department is ${t ? 'cleared' : 'left empty'}.`, fix: `Set the ${attribute} of ${name} in Entra.`, evidence };
  }
  const change = pending(ctx, ScimPath.department);
  if (change) return { id: 'department', status: 'info', title, detail: `The department changes from ${shown(change.from)} to ${shown(change.to)} ${ctx.nextSync}.`, fix: null, evidence };
  return { id: 'department', status: 'pass', title, detail: `The department is ${shown(path)}${t ? ' in both Entra and the LMS' : ''}.`, fix: null, evidence };
}

export function jobProfileCheck(ctx: DiagnoseContext, subject: SourceUser): Check {
  const title = 'Job profile';
  const field = vendorField(ctx.inputs.target.capabilities, 'jobProfile');
  if (!field) return { id: 'job-profile', status: 'info', title, detail: 'The LMS has no job profile attribute, so none is written.', fix: null, evidence: [] };
  const { jobProfile, changeJobProfiles } = ctx.config.mapping;
  const choice = chooseJobProfile(subject, ctx.mappingContext);
  const t = lmsAccountOf(ctx);
  const lmsNow = t ? (t.attributes[field] ?? null) : null;
  const written = ctx.mapped?.attributes[field];
  const via =
    choice.via === 'valueMap' ? `the value map: ${jobProfile.attribute ?? ''} "${choice.attributeValue ?? ''}" → "${choice.chosen ?? ''}"`
    : choice.via === 'groupMap' ? `group membership: ${pathThrough(ctx, subject, choice.groupId ?? '') ?? choice.groupId ?? ''} → "${choice.chosen ?? ''}"`
    : choice.via === 'lmsName' ? `an LMS job profile with the same name as ${jobProfile.attribute ?? ''} "${choice.attributeValue ?? ''}"`
    : choice.via === 'default' ? `the default job profile "${choice.chosen ?? ''}"`
    : 'nothing (no mapping matched and no default job profile)';
  const evidence: Evidence[] = [];
  if (jobProfile.attribute) evidence.push(ev(`Entra ${jobProfile.attribute}`, shown(sourceAttribute(subject, jobProfile.attribute))));
  evidence.push(ev('Chosen by', via), ev('Written to the LMS', written === undefined ? '(nothing: left as it is)' : shown(written)));
  if (t) evidence.push(ev('LMS now', shown(lmsNow)));
  evidence.push(ev('Change job profiles', changeJobProfiles ? 'on' : 'off'));
  const missing = ctx.mapped?.warnings.find((w) => w.code === 'job_profile_not_in_lms');
  // The default job profile is for new accounts (article 004): an existing account keeps its own.
  if (!missing && t && !isEmptyValue(lmsNow) && written !== undefined && ctx.mapped?.createOnly.includes(field)) {
    evidence.push(ev('Default job profile', 'given to new accounts only'));
    const same = sameValue(field, lmsNow, written);
    const kept = same ? `has ${shown(written)}` : `keeps ${shown(lmsNow)}: it may have been set by hand there`;
    return {
      id: 'job-profile',
      status: same ? 'pass' : 'info',
      title,
      detail: `No mapping gives ${personName(subject)} a job profile, and the default ${shown(written)} goes to new accounts only, so the LMS ${kept}.`,
      fix: same ? null : `To give them another job profile, map ${choice.attributeValue ? `"${choice.attributeValue}"` : 'them'} to it, or turn off "Default job profile for new accounts only" to put the default back on every account nothing maps.`,
      evidence,
    };
  }
  if (missing) {
    return { id: 'job-profile', status: 'fail', title, detail: missing.message, fix: `Create the job profile "${choice.chosen ?? ''}" in the LMS, or map ${choice.attributeValue ? `"${choice.attributeValue}"` : 'this user'} to a job profile that exists.`, evidence };
  }
  if (written !== undefined && t && !changeJobProfiles && !sameValue(field, lmsNow, written)) {
    return { id: 'job-profile', status: 'fail', title, detail: `"Change job profiles" is off, so the LMS keeps ${shown(lmsNow)} instead of ${shown(written)}.`, fix: 'Turn on "Change job profiles" in the integration\'s mapping settings.', evidence };
  }
  const notWritten = keptByUpdateOff(ctx, field, { id: 'job-profile', title, evidence }, shown);
  if (notWritten) return notWritten;
  if (choice.via === 'none') {
    return { id: 'job-profile', status: 'warn', title, detail: 'No mapping gives this user a job profile and there is no default, so the LMS\'s own default applies.', fix: choice.attributeValue ? `Add "${choice.attributeValue}" to the job profile value map, or set a default job profile.` : `Set ${jobProfile.attribute ?? 'a job profile attribute'} in Entra, or set a default job profile.`, evidence };
  }
  const change = pending(ctx, field);
  if (change) return { id: 'job-profile', status: 'info', title, detail: `The job profile changes from ${shown(change.from)} to ${shown(change.to)} ${ctx.nextSync}.`, fix: null, evidence };
  return { id: 'job-profile', status: 'pass', title, detail: `The job profile is ${shown(written ?? null)}, chosen by ${via}.`, fix: null, evidence };
}

export function permissionsCheck(ctx: DiagnoseContext, subject: SourceUser): Check {
  const title = 'Permission types';
  const field = vendorField(ctx.inputs.target.capabilities, 'permissionTypes');
  const perms = ctx.mapped?.permissions ?? null;
  if (!field || !perms) {
    return { id: 'permissions', status: 'info', title, detail: field ? 'No permission mapping: this integration manages no permission types.' : 'The LMS has no permission type attribute.', fix: null, evidence: [] };
  }
  const { changePermissions, permissions } = ctx.config.mapping;
  const t = lmsAccountOf(ctx);
  const lmsNow = t ? (t.attributes[field] ?? null) : null;
  const current = lmsNow === null ? [] : Array.isArray(lmsNow) ? lmsNow : [lmsNow];
  const desired = mergePermissionTypes(lmsNow, perms);
  const owned = new Set(perms.owned.map((p) => p.toLowerCase()));
  const byValue = permissionValuesOf(subject, ctx.mappingContext);
  const evidence: Evidence[] = perms.owned.map((p) => {
    // The mapping may spell the type in another case than the LMS (perms.owned has the LMS's).
    const through = permissions.groupMap.filter((g) => g.permissionType.trim().toLowerCase() === p.trim().toLowerCase()).map((g) => pathThrough(ctx, subject, g.groupId)).find((x) => x !== null);
    const value = byValue.get(p.trim().toLowerCase());
    const how = [through ? `through ${through}` : null, value !== undefined ? `through ${permissions.attribute ?? ''} "${value}"` : null].filter((x) => x !== null);
    const none = permissions.attribute !== null && permissions.valueMap.length > 0 ? `not in any group mapped to it, and ${permissions.attribute} does not map to it` : 'not in any group mapped to it';
    return ev(`${p} (owned)`, how.length > 0 ? `granted ${how.join(' and ')}` : `not granted: ${none}`);
  });
  for (const p of current.filter((c) => !owned.has(c.toLowerCase()))) evidence.push(ev(`${p} (not owned)`, 'set in the LMS by someone else: left alone'));
  evidence.push(ev('Wanted in the LMS', listed(desired)));
  if (t) evidence.push(ev('LMS now', listed(current)));
  evidence.push(ev('Change permissions', changePermissions ? 'on' : 'off'));
  const missing = ctx.mapped?.warnings.filter((w) => w.code === 'permission_type_not_in_lms') ?? [];
  if (missing.length > 0) {
    return { id: 'permissions', status: 'fail', title, detail: missing.map((w) => w.message).join(' '), fix: 'Create the permission type in the LMS with the name the permission mapping uses, or correct the mapping to a type the LMS has.', evidence };
  }
  if (t && !changePermissions && !sameValue(field, lmsNow, desired)) {
    return { id: 'permissions', status: 'fail', title, detail: `"Change permissions" is off, so the LMS keeps ${listed(current)} instead of ${listed(desired)}.`, fix: 'Turn on "Change permissions" in the integration\'s mapping settings.', evidence };
  }
  const notWritten = keptByUpdateOff(ctx, field, { id: 'permissions', title, evidence }, (v) => listed(v === null ? [] : Array.isArray(v) ? v : [v]));
  if (notWritten) return notWritten;
  const change = pending(ctx, field);
  if (change) return { id: 'permissions', status: 'info', title, detail: `The permission types change from ${shown(change.from)} to ${shown(change.to)} ${ctx.nextSync}.`, fix: null, evidence };
  return { id: 'permissions', status: 'pass', title, detail: `Owned permission types granted: ${listed(perms.granted)}; others on the account are left alone.`, fix: null, evidence };
}

/**
 * The content region (reference 002): which country gave which region, or why it is Global.
 * Null when the integration writes no region. "Why does Anna see the global catalogue?"
 */
export function contentRegionCheck(ctx: DiagnoseContext, subject: SourceUser): Check | null {
  const field = vendorField(ctx.inputs.target.capabilities, 'contentRegion');
  const { contentRegion } = ctx.config.mapping;
  if (!field || !contentRegion.enabled || !ctx.mapped) return null;
  const title = 'Content region';
  const attribute = contentRegion.attribute;
  const raw = cleanText(textOf(sourceAttribute(subject, attribute)));
  const country = countryValue(raw);
  const written = ctx.mapped.attributes[field] ?? null;
  const t = lmsAccountOf(ctx);
  const evidence: Evidence[] = [ev(`Entra ${attribute}`, shown(raw)), ev('Written to the LMS', shown(written))];
  if (t) evidence.push(ev('LMS now', shown(t.attributes[field] ?? null)));
  const unrecognised = ctx.mapped.warnings.find((w) => w.code === 'country_not_recognised');
  if (unrecognised) return { id: 'content-region', status: 'warn', title, detail: unrecognised.message, fix: `Set ${attribute} for ${personName(subject)} in Entra to a country code such as GB, DE or US, or a country's name; the next sync writes the region.`, evidence };
  if (country === null) {
    return { id: 'content-region', status: 'warn', title, detail: `${personName(subject)} has no ${attribute} in Entra${raw === null ? '' : ` (it says ${shown(raw)})`}, so the content region is Global (QQ).`, fix: `Set ${attribute} in Entra (a country code such as GB or DE) to give them their country's content region.`, evidence };
  }
  const code = countryCodeOf(country);
  const through = code !== null && code !== country.toUpperCase() ? ` (${code})` : '';
  const why = written === 'QQ' ? `${shown(country)}${through} has no content region of its own, so it is Global (QQ)` : `${shown(country)}${through} maps to the content region ${shown(written)}`;
  const notWritten = keptByUpdateOff(ctx, field, { id: 'content-region', title, evidence }, shown);
  if (notWritten) return notWritten;
  const change = pending(ctx, field);
  if (change) return { id: 'content-region', status: 'info', title, detail: `${why}; it changes from ${shown(change.from)} to ${shown(change.to)} ${ctx.nextSync}.`, fix: null, evidence };
  return { id: 'content-region', status: 'pass', title, detail: `${why}.`, fix: null, evidence };
}
