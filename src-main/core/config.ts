/**
 * Integration settings: one validated shape for the wizard, the store, the typed API and the
 * CLI's `integration add --config FILE`. No secrets here, ever: the client secret and the LMS
 * token live in the keychain (SecretStore), keyed by integration id.
 */
import { z } from 'zod';

/** Directory (tenant) id: a GUID or a verified domain such as contoso.onmicrosoft.com. */
export const TENANT_ID_PATTERN =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$/i;
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CloudSchema = z.enum(['global', 'usgov', 'china', 'custom']);
export type Cloud = z.infer<typeof CloudSchema>;

export const EntraSettingsSchema = z
  .object({
    kind: z.literal('entra'),
    tenantId: z
      .string()
      .trim()
      .regex(TENANT_ID_PATTERN, 'must be the Directory (tenant) ID GUID or a domain like contoso.onmicrosoft.com'),
    clientId: z.string().trim().regex(GUID_PATTERN, 'must be the Application (client) ID, a GUID'),
    cloud: CloudSchema.default('global'),
    /** Only for cloud = custom: how the demo simulator and sovereign/test clouds are reached. */
    custom: z
      .object({
        authorityHost: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
        graphEndpoint: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
        /** Extra CA certificate (PEM) trusted for these two hosts only. */
        caCertPem: z.string().optional(),
      })
      .optional(),
    /** Optional, for reminders: when the client secret expires (ISO date). */
    secretExpiresOn: z.iso.date().optional(),
  })
  .refine((s) => s.cloud !== 'custom' || s.custom !== undefined, {
    message: 'a custom cloud needs custom.authorityHost and custom.graphEndpoint',
    path: ['custom'],
  });
export type EntraSettings = z.infer<typeof EntraSettingsSchema>;

export const LmsAuthSchema = z.discriminatedUnion('scheme', [
  /** Authorization: Bearer <token> */
  z.object({ scheme: z.literal('bearer') }),
  /** Authorization: <prefix> <token>, e.g. "Static <token>". */
  z.object({ scheme: z.literal('custom'), prefix: z.string().trim().min(1).max(40).regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'one word, e.g. Static') }),
  /** Basic auth with a username; the token is the password. */
  z.object({ scheme: z.literal('basic'), username: z.string().trim().min(1) }),
]);
export type LmsAuth = z.infer<typeof LmsAuthSchema>;

export const LmsSettingsSchema = z.object({
  kind: z.literal('scim'),
  /** SCIM base URL, e.g. https://lms.example.com/scim/v2 */
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be the SCIM base URL, e.g. https://lms.example.com/scim/v2' }),
  auth: LmsAuthSchema.default({ scheme: 'bearer' }),
  /** Vendor extension schema URN; discovered when omitted. */
  vendorNamespace: z.string().trim().startsWith('urn:').optional(),
  concurrency: z.number().int().min(1).max(32).default(4),
  /** Requests per second ceiling; null = only what the LMS's 429s say. */
  rateLimitPerSecond: z.number().positive().max(1000).nullable().default(null),
  /** Extra CA certificate (PEM) for an LMS with a private CA (and the demo simulator over TLS). */
  caCertPem: z.string().optional(),
});
export type LmsSettings = z.infer<typeof LmsSettingsSchema>;

/** Entra attributes a rule or mapping may name. Extension attributes are allowed by pattern. */
export const SOURCE_ATTRIBUTES = [
  'department',
  'jobTitle',
  'companyName',
  'employeeType',
  'employeeId',
  'country',
  'usageLocation',
  'preferredLanguage',
  'officeLocation',
  'mail',
  'userPrincipalName',
  'displayName',
  'givenName',
  'surname',
] as const;
/** An Entra user attribute a rule or mapping may name: a plain property, a directory extension, an on-premises extension attribute. */
export const SOURCE_ATTRIBUTE_PATTERN = /^(?:[A-Za-z][A-Za-z0-9]*|extension_[0-9a-f]{32}_[A-Za-z0-9_]+|onPremisesExtensionAttributes\.extensionAttribute(?:[1-9]|1[0-5]))$/;

/** Properties Rollcall reads itself, by lower case: "Department" must mean department, not an unknown extra that reads empty. */
const KNOWN_ATTRIBUTES = new Map([...SOURCE_ATTRIBUTES, 'id', 'otherMails', 'employeeLeaveDateTime'].map((a) => [a.toLowerCase(), a]));

/**
 * An attribute name as typed → as Graph spells it (Graph's names are case-insensitive, but its
 * answers and Rollcall's own fields are not): known properties and the on-premises extension
 * attributes in their casing, a directory extension's app id in lower case.
 */
export function canonicalAttribute(name: string): string {
  const t = name.trim();
  const known = KNOWN_ATTRIBUTES.get(t.toLowerCase());
  if (known) return known;
  const onPremises = /^onpremisesextensionattributes\.extensionattribute(\d+)$/i.exec(t);
  if (onPremises) return `onPremisesExtensionAttributes.extensionAttribute${onPremises[1] ?? ''}`;
  const extension = /^extension_([0-9a-f]{32})_(.+)$/i.exec(t);
  if (extension) return `extension_${(extension[1] ?? '').toLowerCase()}_${extension[2] ?? ''}`;
  return t;
}

/** Whether a typed attribute name is one Rollcall can read (after canonicalAttribute). */
export function isSourceAttribute(name: string): boolean {
  return SOURCE_ATTRIBUTE_PATTERN.test(canonicalAttribute(name));
}

export const SourceAttributeSchema = z
  .string()
  .transform(canonicalAttribute)
  .pipe(z.string().regex(SOURCE_ATTRIBUTE_PATTERN, 'must be an Entra user attribute name such as department, jobTitle or extension_<appId>_costCenter'));

export const AttributeOperatorSchema = z.enum(['equals', 'notEquals', 'startsWith', 'contains', 'isEmpty']);

/** Who is in scope. Groups are resolved transitively through nested groups. */
export const IncludeRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('group'), groupId: z.string().trim().min(1), groupName: z.string().default('') }),
  z.object({
    kind: z.literal('attribute'),
    attribute: SourceAttributeSchema,
    operator: AttributeOperatorSchema.default('equals'),
    /** Compared case-insensitively after normalisation. */
    value: z.string().default(''),
  }),
  /** A single person by Entra object id, UPN or e-mail (article 000: "included by email"). */
  z.object({ kind: z.literal('user'), value: z.string().trim().min(1) }),
]);
export type IncludeRule = z.infer<typeof IncludeRuleSchema>;

/** The same kinds as include rules: a group, an attribute, one person. */
export const ExcludeRuleSchema = IncludeRuleSchema;
export type ExcludeRule = z.infer<typeof ExcludeRuleSchema>;

export const ScopeSchema = z.object({
  /** Empty = every user in the tenant (the reference hub's default; the wizard recommends a group). */
  include: z.array(IncludeRuleSchema).default([]),
  exclude: z.array(ExcludeRuleSchema).default([]),
  /** Users the integration never touches, in any direction: Entra ids, UPNs or e-mails. */
  skipList: z.array(z.string().trim().min(1)).default([]),
  /**
   * Entra ids of people the admin confirmed get a new LMS account although an unlinked account
   * matches one of their other addresses (an `alias_match` conflict: a reused or shared address).
   */
  confirmedNewAccounts: z.array(z.string().trim().min(1)).default([]),
});
export type Scope = z.infer<typeof ScopeSchema>;

export const DeactivationSchema = z.object({
  /** Deactivate users this integration owns when they leave scope or are disabled in Entra. */
  deactivateUsers: z.boolean().default(false),
  /** Deactivate on employeeLeaveDateTime ("Last Day"); works alongside another integration. */
  useLastDay: z.boolean().default(false),
  /** Block apply when more than this many users would be deactivated … */
  thresholdCount: z.number().int().min(0).default(500),
  /** … or more than this percentage of owned users, whichever is smaller. */
  thresholdPercent: z.number().min(0).max(100).default(10),
});

/**
 * Why an LMS address is not taken when it is entered (wizard, API, CLI): plain http:// sends the
 * token unencrypted, so only to this computer (a local test LMS or the simulator). Not part of
 * the settings schema: settings saved before this rule must still load.
 */
export function lmsAddressProblem(baseUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    return 'is not a URL: give the SCIM base URL, e.g. https://lms.example.com/scim/v2';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') return 'must start with https://';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)) return null;
  return 'must use https:// (http:// would send the LMS token unencrypted; it is only taken for this computer, e.g. http://127.0.0.1 for a test LMS)';
}

/** The longest integration name the settings take (the wizard says so before saving). */
export const MAX_INTEGRATION_NAME = 80;

/** As many pushed groups as the settings hold. */
export const MAX_PUSH_GROUPS = 100;
/** The longest LMS group name the settings take. */
export const MAX_LMS_GROUP_NAME = 256;

/** LMS group names as compared everywhere (settings, plan, client, wizard): without case or outer spaces. */
export function lmsGroupKey(name: string): string {
  return name.trim().toLowerCase();
}

/** One Entra group pushed to an LMS group. */
export const PushGroupSchema = z.object({
  /** Entra object id of the group. */
  groupId: z.string().trim().min(1, 'pick the Entra group to push'),
  /** Its display name when picked, for messages (Entra's own name is used when read). */
  groupName: z.string().default(''),
  /** The LMS group's name: created when the LMS has no group of that name, linked when it has one. */
  lmsGroup: z.string().trim().min(1, 'name the LMS group to create or link').max(MAX_LMS_GROUP_NAME),
});
export type PushGroup = z.infer<typeof PushGroupSchema>;

export const MappingSchema = z.object({
  /** "Create users": people in scope without an LMS account get one. Off: they are listed, not created. */
  createUsers: z.boolean().default(true),
  /** "Update user attributes": existing accounts get the mapped values. Off: only created accounts do. */
  updateUsers: z.boolean().default(true),
  changeDepartments: z.boolean().default(true),
  changeJobProfiles: z.boolean().default(true),
  changePermissions: z.boolean().default(true),
  department: z
    .object({
      attribute: SourceAttributeSchema.default('department'),
      /** When set, the value is a path ("Sales/EMEA/Nordics") split on this delimiter. */
      pathDelimiter: z.string().min(1).max(3).nullable().default(null),
      /** Append the source id to department names ("Sales (1234)") so equal names stay apart. */
      uniqueUnits: z.boolean().default(false),
      /**
       * The LMS department (a path of names from the top) that Entra's departments go below, as
       * HR integrations connect their top unit to the LMS's top department. Empty: at the top.
       */
      under: z.array(z.string().trim().min(1).max(256)).max(20).default([]),
    })
    .prefault({}),
  jobProfile: z
    .object({
      /** Source attribute whose value names the job profile (e.g. jobTitle); null = groups/default only. */
      attribute: SourceAttributeSchema.nullable().default(null),
      valueMap: z.array(z.object({ value: z.string(), jobProfile: z.string().min(1) })).default([]),
      groupMap: z.array(z.object({ groupId: z.string().min(1), jobProfile: z.string().min(1) })).default([]),
      /** Used when nothing maps; null = the LMS's own default job profile. */
      defaultJobProfile: z.string().min(1).nullable().default(null),
      /**
       * The default job profile goes to new accounts only (reference article 004: it "can be
       * changed manually … after creation"); off, every sync writes it back over a hand change.
       */
      defaultForNewOnly: z.boolean().default(true),
    })
    .prefault({}),
  permissions: z
    .object({
      /** Group membership grants permission types; only these types are owned by the integration. */
      groupMap: z.array(z.object({ groupId: z.string().min(1), permissionType: z.string().min(1) })).default([]),
      /** Source attribute whose values grant permission types through valueMap (reference 004: roles → permission types). */
      attribute: SourceAttributeSchema.nullable().default(null),
      /** An attribute value (case and hidden characters ignored) → the permission type it grants; these types are owned too. */
      valueMap: z.array(z.object({ value: z.string().trim().min(1), permissionType: z.string().trim().min(1) })).default([]),
    })
    .prefault({}),
  contentRegion: z
    .object({
      enabled: z.boolean().default(false),
      attribute: z.enum(['country', 'usageLocation']).default('usageLocation'),
    })
    .prefault({}),
  /** Entra attribute for custom fields 1–3; null = not written. */
  customFields: z
    .object({
      customField1: SourceAttributeSchema.nullable().default(null),
      customField2: SourceAttributeSchema.nullable().default(null),
      customField3: SourceAttributeSchema.nullable().default(null),
    })
    .prefault({}),
  /** Write the manager (and the manager as approver) in the second pass. */
  manager: z.boolean().default(true),
  approversFromManager: z.boolean().default(false),
  /**
   * Entra attribute listing each user's approvers by e-mail address or UPN (several values, or one
   * text with ";" or "," between them), for an LMS that has approvers (reference 002: "a custom
   * attribute approvers … populated from your HRIS"). Set, it is used instead of the manager.
   */
  approversAttribute: SourceAttributeSchema.nullable().default(null),
  /** Entra attribute for the SCIM locale/preferredLanguage. */
  languageAttribute: SourceAttributeSchema.default('preferredLanguage'),
  /**
   * Entra groups pushed to LMS groups (reference 002, Okta's "Push Groups"): each LMS group is
   * created when the LMS has none of that name, linked when it has one, and given the group's
   * synced members (nested groups' included). Only accounts this integration links are removed.
   */
  pushGroups: z
    .array(PushGroupSchema)
    .max(MAX_PUSH_GROUPS)
    .default([])
    .superRefine((pushes, ctx) => {
      // One LMS group, one Entra group: two would take each other's members out on every run.
      const seen = new Set<string>();
      pushes.forEach((p, i) => {
        const key = lmsGroupKey(p.lmsGroup);
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'lmsGroup'], message: `another Entra group already pushes to the LMS group "${p.lmsGroup.trim()}": give each its own LMS group` });
        seen.add(key);
      });
    }),
});
export type Mapping = z.infer<typeof MappingSchema>;

export const ScheduleSchema = z.object({
  everyHours: z.number().min(1).max(168).default(4),
});

/** The versioned file format of `rollcall integration add --config FILE` and the wizard's export. */
export const INTEGRATION_CONFIG_VERSION = 1;

export const IntegrationConfigSchema = z.object({
  version: z.literal(INTEGRATION_CONFIG_VERSION).default(INTEGRATION_CONFIG_VERSION),
  name: z.string().trim().min(1, 'give the integration a name').max(MAX_INTEGRATION_NAME, `keep the name to ${MAX_INTEGRATION_NAME} characters`),
  source: EntraSettingsSchema,
  target: LmsSettingsSchema,
  scope: ScopeSchema.prefault({}),
  deactivation: DeactivationSchema.prefault({}),
  mapping: MappingSchema.prefault({}),
  schedule: ScheduleSchema.prefault({}),
});
export type IntegrationConfig = z.infer<typeof IntegrationConfigSchema>;
export type IntegrationConfigInput = z.input<typeof IntegrationConfigSchema>;

export const IntegrationStatusSchema = z.enum(['setup', 'disabled', 'active', 'invalid', 'error']);
export type IntegrationStatus = z.infer<typeof IntegrationStatusSchema>;

export type CredentialKind = 'clientSecret' | 'lmsToken';

/**
 * Where a stored credential is sent: the LMS token to the SCIM base URL's origin, the client
 * secret to the cloud's sign-in host (a custom cloud's authority origin). A credential is only
 * ever sent where it was entered for; null when the address cannot be read.
 */
export function credentialDestination(
  config: { source: { cloud?: EntraSettings['cloud']; custom?: { authorityHost: string } | undefined }; target: { baseUrl: string } },
  kind: CredentialKind,
): string | null {
  const originOf = (url: string): string | null => {
    try {
      return new URL(url).origin.toLowerCase();
    } catch {
      return null;
    }
  };
  if (kind === 'lmsToken') return originOf(config.target.baseUrl);
  const cloud = config.source.cloud ?? 'global';
  if (cloud !== 'custom') return `${cloud} cloud`;
  return config.source.custom ? originOf(config.source.custom.authorityHost) : null;
}
