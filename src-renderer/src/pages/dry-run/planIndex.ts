import { reasonLabel as coreReasonLabel, warningLabel as coreWarningLabel } from '../../../../src-main/core/ops';
/** Labels for the diff viewer (the filtering itself happens in main: src-main/ipc/plan-query.ts). */

/** A reason code in the admin's words; one the core does not name, from its code. */
export function reasonLabel(reason: string): string {
  const known = coreReasonLabel(reason);
  if (known !== null) return known;
  const s = reason.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A warning code in the admin's words; an unknown one as reasonLabel says it. */
export function warningLabel(code: string): string {
  return coreWarningLabel(code) ?? reasonLabel(code);
}

/** The row's Fields column: the short names of the changed fields. */
export function fieldsText(fields: readonly string[]): string {
  return fields.map(shortField).join(', ');
}

/** "urn:…:enterprise:2.0:User:department" → "department"; plain SCIM paths stay as they are. */
export function shortField(field: string): string {
  return field.startsWith('urn:') ? field.slice(field.lastIndexOf(':') + 1) : field;
}
