/**
 * The simulator's User writes (POST, PUT, PATCH) without SCIMMY's schema instances. Building a
 * `Schemas.User` costs ~0.45 ms (accessors for every attribute, then every value coerced twice)
 * and SCIMMY builds six of them for one PATCH, so the simulator managed ~195 writes/s and a
 * 178,000-op first sync took a quarter of an hour. Here a write gives SCIMMY's answer with one
 * pass of the same `SchemaDefinition.coerce` that `Schemas.User` runs:
 *
 * - `userIn`: the body as SCIMMY's write hands it to the ingress handler — the constructor's
 *   `schemas` check, the coercion, empty extensions and empty complex values in them dropped (the
 *   extension getter does that), attributes never returned (password) left out (its toJSON).
 * - `patchedUser`: add/replace/remove on plain attribute paths applied to a copy of the stored
 *   user, as SCIMMY's PatchOp applies them, then `userIn`; `userChanged` says whether the write
 *   changed anything (SCIMMY answers 204 without a body then, after writing all the same).
 *
 * Anything else — a filter in a path, an attribute SCIMMY would not let change, a body SCIMMY
 * would refuse, query parameters — returns null before the store is touched, and the request
 * goes on to SCIMMY, which answers it (errors included) as it always did. A test sends the same
 * requests to a simulator with `fastWrites: false` and compares every answer and stored user.
 */
import SCIMMY from 'scimmy';
import type { Json } from './store';

const { Types, Schemas, Messages } = SCIMMY;
type Attribute = InstanceType<typeof Types.Attribute>;
type Definition = InstanceType<typeof Types.SchemaDefinition>;

interface Extension {
  id: string;
  required: boolean;
  /** By lower-cased name. */
  attributes: Map<string, Attribute>;
}

interface UserShape {
  definition: Definition;
  core: Map<string, Attribute>;
  extensions: Extension[];
  /** Top-level attributes SCIMMY's toJSON leaves out (returned: never). */
  neverReturned: string[];
}

let shape: UserShape | null = null;

const byLowerName = (attrs: Attribute[]): Map<string, Attribute> => new Map(attrs.map((a) => [a.name.toLowerCase(), a]));

/**
 * The User definition as declared (with its extensions), looked up once: SCIMMY's registry is
 * process-wide and the simulator declares it before it serves anything.
 */
function userShape(): UserShape {
  if (shape) return shape;
  const definition = Schemas.User.definition;
  const all = definition.attributes as unknown[];
  const attrs = all.filter((a): a is Attribute => a instanceof Types.Attribute);
  const extensions = all
    .filter((a): a is Definition & { required?: boolean } => a instanceof Types.SchemaDefinition)
    .map((e) => ({ id: e.id, required: e.required === true, attributes: byLowerName(e.attributes.filter((a) => a instanceof Types.Attribute)) }));
  const neverReturned = attrs.filter((a) => a.config.returned === false || a.config.returned === 'never').map((a) => a.name);
  shape = { definition, core: byLowerName(attrs), extensions, neverReturned };
  return shape;
}

/** SCIMMY's hasActualValues: a value other than undefined anywhere inside. */
function hasActualValues(v: object): boolean {
  return Object.values(v).some((x) => (typeof x === 'object' && x !== null ? hasActualValues(x as object) : x !== undefined));
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The body as SCIMMY's write would hand it to the ingress handler (`new Schemas.User(body, 'in')`
 * through JSON), without meta and schemas; null when SCIMMY would refuse it (it then says why).
 */
export function userIn(body: unknown): Json | null {
  if (!isObject(body)) return null;
  const { definition, extensions, neverReturned } = userShape();
  try {
    // Types.Schema's constructor: a `schemas` list must name this schema and every required extension.
    const { schemas } = body;
    if (Array.isArray(schemas) && schemas.length > 0) {
      if (!schemas.includes(definition.id)) return null;
      if (extensions.some((e) => e.required && !schemas.includes(e.id))) return null;
    }
    const coerced = definition.coerce(body, 'in') as Json;
    for (const { id } of extensions) {
      const ext = coerced[id];
      if (!isObject(ext)) continue;
      // The extension's getter drops undefined values and complex values without one; the
      // setter drops an extension left without values.
      for (const [k, v] of Object.entries(ext)) if (v === undefined || (typeof v === 'object' && v !== null && !hasActualValues(v))) delete ext[k];
      if (!hasActualValues(ext)) delete coerced[id];
    }
    for (const name of neverReturned) delete coerced[name];
    const plain = JSON.parse(JSON.stringify(coerced)) as Json;
    delete plain.meta;
    delete plain.schemas;
    return plain;
  } catch {
    return null;
  }
}

interface Target {
  /** The extension the path is in, or null for the core schema. */
  extension: string | null;
  /** Canonical names from the schema (or extension) down: an attribute, or a complex one and a sub-attribute. */
  names: string[];
  attribute: Attribute;
}

/**
 * A PatchOp path naming an attribute, or a sub-attribute of a single-valued complex one of the
 * core schema, that SCIMMY lets a client change (readWrite, both directions), spelt as the schema
 * spells it (SCIMMY resolves other spellings its own way, or refuses them). Null for anything
 * else: a value filter, an unknown or read-only attribute, a whole extension.
 */
function targetOf(path: unknown): Target | null {
  if (typeof path !== 'string' || /[[\]\s]/.test(path)) return null;
  const { core, extensions } = userShape();
  const ext = extensions.find((e) => path.startsWith(`${e.id}:`));
  if (!ext && path.toLowerCase().startsWith('urn:')) return null;
  const parts = (ext ? path.slice(ext.id.length + 1) : path).split('.');
  // SCIMMY answers noTarget for a sub-attribute inside an extension, whatever is there.
  if (parts.length > (ext ? 1 : 2)) return null;
  let attrs = ext ? ext.attributes : core;
  const names: string[] = [];
  let attribute: Attribute | undefined;
  for (const part of parts) {
    attribute = attrs.get(part.toLowerCase());
    if (!attribute || attribute.name !== part || attribute.config.mutable !== true || attribute.config.direction !== 'both') return null;
    names.push(attribute.name);
    if (names.length < parts.length) {
      if (String(attribute.type) !== 'complex' || attribute.config.multiValued || !attribute.subAttributes) return null;
      attrs = byLowerName(attribute.subAttributes);
    }
  }
  return attribute ? { extension: ext?.id ?? null, names, attribute } : null;
}

/** Applies one operation to the copy; false when SCIMMY should do it instead. */
function applyOp(doc: Json, op: string, t: Target, value: unknown): boolean {
  const { attribute } = t;
  const multiValued = attribute.config.multiValued === true;
  const complex = String(attribute.type) === 'complex';
  if (op === 'remove') {
    // A value picks which entries of a collection to remove; a required attribute cannot go.
    if (value !== undefined || attribute.config.required === true) return false;
  } else {
    if (value === undefined) return false;
    // add merges into a complex value and appends to a collection; only plain cases here.
    if (op === 'add' && complex && !multiValued) return false;
  }
  let holder: Json | undefined = doc;
  if (t.extension !== null) {
    const ext = doc[t.extension];
    if (ext !== undefined && !isObject(ext)) return false;
    if (ext === undefined && op !== 'remove') doc[t.extension] = {};
    holder = doc[t.extension] as Json | undefined;
  }
  const [first, second] = t.names as [string, string | undefined];
  if (second !== undefined && holder) {
    // A sub-attribute (core schema only): its complex value must be there already.
    const parent = holder[first];
    if (parent === undefined && op === 'remove') return true;
    if (!isObject(parent) || !hasActualValues(parent)) return false;
    holder = parent;
  }
  const key = second ?? first;
  if (!holder) return true;
  if (op === 'remove') {
    delete holder[key];
    return true;
  }
  const values = multiValued ? (Array.isArray(value) ? value : [value]) : value;
  if (op === 'add' && multiValued && holder[key] !== undefined) {
    if (!Array.isArray(holder[key])) return false;
    holder[key] = [...(holder[key] as unknown[]), ...(values as unknown[])];
  } else holder[key] = values;
  return true;
}

/** SCIMMY's hasChanges (PatchOp): deep, key order and undefined-valued keys aside. */
function differs(a: unknown, b: unknown): boolean {
  if (a === b) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return true;
    return a.some((v, i) => differs(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (differs(a[k], b[k])) return true;
    return false;
  }
  return !(Number.isNaN(a) && Number.isNaN(b));
}

/**
 * The user a PatchOp message makes of `stored`, as SCIMMY's PATCH hands it to the ingress
 * handler; null when SCIMMY should apply the message.
 */
export function patchedUser(stored: Json, message: unknown): Json | null {
  let operations: Array<{ op: string; path?: unknown; value?: unknown }>;
  try {
    // SCIMMY's own checks of the message (schemas, Operations, each op's shape).
    if (!isObject(message)) return null;
    operations = new Messages.PatchOp(message as ConstructorParameters<typeof Messages.PatchOp>[0]).Operations;
  } catch {
    return null;
  }
  const doc = structuredClone(stored);
  for (const o of operations) {
    const t = targetOf(o.path);
    if (!t || !applyOp(doc, String(o.op).toLowerCase(), t, o.value)) return null;
  }
  return userIn(doc);
}

/**
 * Whether a PATCH changed the stored user (meta aside), as SCIMMY's PatchOp decides it from the
 * user before and the one its write returned: when not, SCIMMY answers 204 without a body.
 */
export function userChanged(before: Json, after: Json): boolean {
  const { meta: _a, ...b } = before;
  const { meta: _b, ...a } = after;
  return differs(b, a);
}
