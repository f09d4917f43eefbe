/**
 * SCIMMY declarations for the simulated LMS: Users with the enterprise and the vendor extension,
 * Groups, and three organisation resource types (Departments with a parent, JobProfiles with a
 * default, PermissionTypes).
 *
 * Two things SCIMMY 1.3 cannot do out of the box, and how we extend it:
 * - SchemaDefinition refuses ids outside "urn:ietf:params:scim:schemas:", but LMS vendors use
 *   their own namespace (urn:learnerbly:params:scim:schemas:2.0:User). The id is only checked
 *   in the constructor, so we construct with a placeholder and set the real id afterwards.
 * - Its registry is a process-wide singleton. Resources are declared once here; handlers find
 *   the right simulator through the per-request context (the store of the instance the request
 *   arrived at), so several simulators can run in one process.
 */
import SCIMMY from 'scimmy';
import { DEFAULT_VENDOR_NAMESPACE } from '../../core/model';
import type { Json, LmsStore, OrgItem, OrgKind } from './store';
import { RESOURCE_TYPE, scimError } from './store';

const { Types, Schemas, Resources, Messages } = SCIMMY;
const A = Types.Attribute;

export const VENDOR_NAMESPACE = DEFAULT_VENDOR_NAMESPACE;
export const ORG_NAMESPACE = 'urn:learnerbly:params:scim:schemas:2.0';

/** What every handler receives as SCIMMY's context. */
export interface SimContext {
  store: LmsStore;
  /** Largest page the instance returns (its filter.maxResults). */
  maxResults: number;
}

function vendorDefinition(id: string, name: string, description: string, attributes: InstanceType<typeof A>[]): InstanceType<typeof Types.SchemaDefinition> {
  const def = new Types.SchemaDefinition(name, `urn:ietf:params:scim:schemas:extension:placeholder:2.0:${name}`, description, attributes);
  def.id = id;
  return def;
}

const ref = (name: string, description: string, multiValued = false): InstanceType<typeof A> =>
  new A('complex', name, { multiValued, description, uniqueness: false }, [
    new A('string', 'value', { description: 'LMS id of the referenced resource' }),
    new A('string', 'display', { mutable: false, description: 'Name of the referenced resource' }),
  ]);

export const vendorUserExtension = vendorDefinition(VENDOR_NAMESPACE, 'LearnerblyUser', 'Learnerbly user attributes', [
  new A('string', 'contentRegion', { description: 'ISO 3166-1 alpha-2 content region (GB, ES, DE, US, SE, QQ)' }),
  ref('approvers', "The user's approvers (LMS user ids)", true),
  new A('string', 'customField1'),
  new A('string', 'customField2'),
  new A('string', 'customField3'),
  ref('jobProfile', 'The job profile (JobProfiles id)'),
  ref('permissionTypes', 'Permission types (PermissionTypes ids)', true),
  ref('department', 'The department (Departments id)'),
]);

function orgSchema(kind: OrgKind): InstanceType<typeof Types.SchemaDefinition> {
  const name = RESOURCE_TYPE[kind];
  const attrs = [new A('string', 'displayName', { required: true, description: `Name of the ${name}` })];
  if (kind === 'departments') attrs.push(ref('parent', 'The parent department; absent for a top department'));
  if (kind === 'jobProfiles') attrs.push(new A('boolean', 'isDefault', { description: 'Assigned to new users that have no job profile' }));
  return vendorDefinition(`${ORG_NAMESPACE}:${name}`, name, `${name} of the LMS organisation`, attrs);
}

function toOut(kind: OrgKind, item: OrgItem, store: LmsStore): Json {
  const out: Json = { id: item.id, displayName: item.displayName, meta: item.meta };
  if (kind === 'departments' && item.parentId) {
    const parent = store.org.departments.get(item.parentId) as OrgItem | undefined;
    out.parent = { value: item.parentId, display: parent?.displayName ?? '' };
  }
  if (kind === 'jobProfiles') out.isDefault = item.isDefault === true;
  return out;
}

/** Builds a SCIMMY resource type class for one organisation kind (the library's "advanced usage"). */
function orgResource(kind: 'departments' | 'jobProfiles' | 'permissionTypes', endpoint: string): typeof Types.Resource {
  const sim = (ctx: unknown): SimContext => {
    if (!ctx) throw scimError(500, null, 'no simulator context');
    return ctx as SimContext;
  };
  const definition = orgSchema(kind);
  class OrgSchema extends Types.Schema {
    static override get id(): string {
      return definition.id;
    }
    static override get definition(): InstanceType<typeof Types.SchemaDefinition> {
      return definition;
    }
    constructor(resource: object, direction = 'both', basepath?: string, filters?: unknown) {
      super(resource, direction);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- SCIMMY's coerce signature is untyped JS.
      Object.assign(this, (definition as any).coerce(resource, direction, basepath, filters));
    }
  }
  let basepath = '';
  class OrgResource extends Types.Resource {
    static override get endpoint(): string {
      return endpoint;
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- overrides SCIMMY's untyped static basepath(path?) accessor.
    static override basepath: any = (path?: string) => {
      if (path === undefined) return basepath;
      basepath = path.endsWith(endpoint) ? path : `${path}${endpoint}`;
      return OrgResource;
    };
    static override get schema(): typeof Types.Schema {
      return OrgSchema;
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- SCIMMY types read() as returning its own message classes.
    override async read<T>(context?: T): Promise<any> {
      const ctx = sim(context);
      const { store } = ctx;
      if (this.id) {
        const item = store.org[kind].get(this.id) as OrgItem | undefined;
        if (!item) throw scimError(404, null, `${RESOURCE_TYPE[kind]} ${this.id} not found`);
        return new OrgSchema(toOut(kind, item, store), 'out', basepath, this.attributes);
      }
      let items = (store.orgList(kind) as OrgItem[]).map((i) => toOut(kind, i, store));
      if (this.filter) items = this.filter.match(items);
      const startIndex = this.constraints?.startIndex ?? 1;
      const count = Math.min(this.constraints?.count ?? ctx.maxResults, ctx.maxResults);
      const page = items.slice(startIndex - 1, startIndex - 1 + count);
      return pageResponse(page.map((i) => new OrgSchema(i, 'out', basepath, this.attributes)), startIndex, count, items.length);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see read().
    override async write<T>(instance: Json, context?: T): Promise<any> {
      const ctx = sim(context);
      const input = JSON.parse(JSON.stringify(new OrgSchema(instance, 'in'))) as Json;
      const item = ctx.store.putOrg(kind, this.id ?? null, input) as OrgItem;
      return new OrgSchema(toOut(kind, item, ctx.store), 'out', basepath, this.attributes);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see read().
    override async patch<T>(message: any, context?: T): Promise<any> {
      const current = await this.read(context);
      return new Messages.PatchOp(message).apply(current, async (instance: Json) => this.write(instance, context));
    }
    override async dispose(): Promise<void> {
      throw scimError(405, null, 'Organisation items are not deleted through SCIM in this simulator');
    }
  }
  return OrgResource as unknown as typeof Types.Resource;
}

/** A ListResponse for an already-sliced page (SCIMMY would otherwise re-slice it). */
function pageResponse(resources: object[], startIndex: number, itemsPerPage: number, totalResults: number): Json {
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], Resources: resources, startIndex, itemsPerPage, totalResults };
}

let declared = false;

/** Declares everything once per process; later simulators reuse the declarations. */
export function declareLmsResources(handlers: {
  userEgress: (resource: InstanceType<typeof Types.Resource>, ctx: SimContext) => Json | Json[];
  userIngress: (resource: InstanceType<typeof Types.Resource>, instance: Json, ctx: SimContext) => Json;
  groupEgress: (resource: InstanceType<typeof Types.Resource>, ctx: SimContext) => Json | Json[];
  groupIngress: (resource: InstanceType<typeof Types.Resource>, instance: Json, ctx: SimContext) => Json;
}): void {
  if (declared) return;
  declared = true;
  const refuseDelete = (): never => {
    throw scimError(405, null, 'This LMS does not delete users through SCIM; deactivate them (active=false)');
  };
  Resources.declare(Resources.User, {
    egress: handlers.userEgress,
    ingress: handlers.userIngress,
    degress: refuseDelete,
    extensions: [
      { schema: Schemas.EnterpriseUser, required: false },
      { schema: vendorUserExtension, required: false },
    ],
  });
  Resources.declare(Resources.Group, { egress: handlers.groupEgress, ingress: handlers.groupIngress, degress: refuseDelete });
  Resources.declare(orgResource('departments', '/Departments'), 'Department');
  Resources.declare(orgResource('jobProfiles', '/JobProfiles'), 'JobProfile');
  Resources.declare(orgResource('permissionTypes', '/PermissionTypes'), 'PermissionType');
}
