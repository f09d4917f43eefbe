/**
 * The writes the simulator answers without SCIMMY, where the store can give SCIMMY's answer ~10 to
 * 1,000 times faster: User POST, PUT and PATCH (fast-users.ts) and Group PATCH (fast-groups.ts).
 * Registered ahead of SCIMMY's router; anything they do not handle goes on to it before the store
 * is touched. `fastWrites: false` leaves every request to SCIMMY. Also the Groups' faults a test
 * asks for (groupFaultRoutes), whichever answers the request.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import SCIMMY from 'scimmy';
import { answersWithMembers, asksForMembers, groupOut, patchedGroup, removesByMemberFilter, sameGroup, withEmptyMembers, withoutMembers, type GroupFaults } from './fast-groups';
import { patchedUser, userChanged, userIn } from './fast-users';
import { userOut } from './handlers';
import type { Json, LmsStore } from './store';

type Middleware = (req: Request, res: Response, next: NextFunction) => void;

/** Registers the fast routes on the SCIM router (call after SCIMMYRouters was constructed). */
export function fastWrites(scim: Router, store: LmsStore, extensions: readonly string[]): void {
  const parse = scimBody();
  fastUserWrites(scim, store, extensions, parse);
  fastGroupWrites(scim, store, parse);
}

/**
 * The body parsed as SCIMMY's router would (same parser and limit; a bad body gets its error
 * answer), for the writes answered without SCIMMY. Made after SCIMMYRouters was constructed: it
 * sets the limit its own parser uses.
 */
function scimBody(): Middleware {
  const json = express.json({ type: ['application/scim+json', 'application/json'], limit: SCIMMY.Config.get()?.bulk?.maxPayloadSize ?? '1mb' });
  return (req, res, next) =>
    json(req, res, (err?: unknown) => {
      if (err === undefined || err === null) return next();
      // What SCIMMYRouters' error handler answers for the same body.
      const status = (err as { status?: number }).status ?? 500;
      res.status(status).send(new SCIMMY.Messages.Error(err as ConstructorParameters<typeof SCIMMY.Messages.Error>[0]));
      if (status >= 500) next(err);
    });
}

/**
 * User POST, PUT and PATCH answered without SCIMMY where fast-users.ts can give SCIMMY's answer;
 * everything else (and any error, before the store is touched) goes on to SCIMMY.
 */
function fastUserWrites(scim: Router, store: LmsStore, extensions: readonly string[], parse: Middleware): void {
  // Query parameters (attributes, excludedAttributes …) shape SCIMMY's answer: SCIMMY's to give.
  const plain = (req: Request): boolean => Object.keys(req.query).length === 0;
  const send = (req: Request, res: Response, status: number, u: Json): void =>
    void res
      .status(status)
      .type('application/scim+json')
      .send(JSON.stringify(userOut(u, `http://${req.header('host') ?? '127.0.0.1'}${req.baseUrl}/Users`, extensions)));
  /** The store's answer, or null when it refused (SCIMMY then gives the same refusal in its words). */
  const attempt = (write: () => Json): Json | null => {
    try {
      return write();
    } catch {
      return null;
    }
  };

  scim.post('/Users', parse, (req, res, next) => {
    const doc = plain(req) ? userIn(req.body) : null;
    const created = doc && attempt(() => store.createUser(doc));
    if (!created) return next();
    send(req, res, 201, created);
  });
  scim.put('/Users/:id', parse, (req, res, next) => {
    const id = String(req.params.id);
    const doc = plain(req) && store.getUser(id) ? userIn(req.body) : null;
    const replaced = doc && attempt(() => store.replaceUser(id, doc));
    if (!replaced) return next();
    send(req, res, 200, replaced);
  });
  scim.patch('/Users/:id', parse, (req, res, next) => {
    const id = String(req.params.id);
    const before = plain(req) ? store.getUser(id) : undefined;
    const doc = before ? patchedUser(before, req.body) : null;
    const after = before && doc && attempt(() => store.replaceUser(id, doc));
    if (!before || !after) return next();
    // Like SCIMMY: written either way (meta.lastModified moves), 204 without a body when nothing changed.
    if (!userChanged(before, after)) return void res.status(204).send();
    send(req, res, 200, after);
  });
}

/**
 * Group PATCH on members and displayName (fast-groups.ts); other PatchOps, query parameters and
 * writes the store refuses go on to SCIMMY. Like SCIMMY, a PATCH that changes nothing is still
 * written (meta.lastModified moves) and answered 204 without a body.
 */
function fastGroupWrites(scim: Router, store: LmsStore, parse: Middleware): void {
  scim.patch('/Groups/:id', parse, (req, res, next) => {
    if (Object.keys(req.query).length > 0) return next();
    const id = String(req.params.id);
    const before = store.org.groups.get(id) as Json | undefined;
    const patched = before ? patchedGroup(before, req.body) : null;
    if (!before || !patched) return next();
    if (!patched.ok) return scimError(res, 400, patched.noTarget, 'noTarget');
    let after: Json;
    try {
      after = store.putGroup(id, patched.group);
    } catch {
      // Refused before anything was written: SCIMMY gives the same refusal in its words.
      return next();
    }
    if (sameGroup(before, after)) return void res.status(204).send();
    res
      .status(200)
      .type('application/scim+json')
      .send(JSON.stringify(groupOut(after, `http://${req.header('host') ?? '127.0.0.1'}${req.baseUrl}/Groups`)));
  });
}

function scimError(res: Response, status: number, detail: string, scimType?: string): void {
  res
    .status(status)
    .type('application/scim+json')
    .send(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), ...(scimType ? { scimType } : {}), detail }));
}

/** Rewrites the JSON text a handler sends (express's json() sends through send() with text). */
function rewriteSent(res: Response, rewrite: (text: string) => string | null): void {
  const send = res.send.bind(res);
  res.send = ((body?: unknown) => {
    if (typeof body !== 'string') return send(body);
    const text = rewrite(body);
    return send(text ?? body);
  }) as Response['send'];
}

/**
 * The GroupFaults of the moment (fast-groups.ts), on /Groups, after authentication and before any
 * handler: registered ahead of the fast routes and SCIMMY (call after SCIMMYRouters was constructed).
 * Also, without any fault, `members: []` in GET answers for an empty group (SCIMMY leaves it out).
 * `groupName` gives a stored group's displayName, for the faults about one named group.
 */
export function groupFaultRoutes(scim: Router, faults: () => GroupFaults, groupName: (id: string) => string | undefined): void {
  const parse = scimBody();
  const named = (id: string, name: string | undefined): boolean => name !== undefined && groupName(id)?.trim().toLowerCase() === name.trim().toLowerCase();
  scim.use('/Groups', (req, res, next) => {
    const f = faults();
    if (f.groupsForbiddenStatus) return scimError(res, f.groupsForbiddenStatus, 'This API key may not read or change groups');
    const list = req.method === 'GET' && req.path === '/';
    const one = /^\/([^/]+)$/.exec(req.path);
    const id = one ? decodeURIComponent(one[1] ?? '') : null;
    if (list && f.groupListStatus) return scimError(res, f.groupListStatus, f.groupListStatus >= 500 ? 'The group list is temporarily unavailable' : 'This API key may not list groups');
    if (list && f.refuseGroupListExclude && req.query.excludedAttributes !== undefined) return scimError(res, 400, 'excludedAttributes is not supported on lists', 'invalidSyntax');
    if (req.method === 'GET' && id !== null && f.refuseGroupAttributesParam && req.query.attributes !== undefined) return scimError(res, 400, 'attributes is not supported', 'invalidSyntax');
    const write = req.method === 'PUT' || req.method === 'PATCH';
    if (f.refuseGroupWriteQuery && write && Object.keys(req.query).length > 0) return scimError(res, 400, 'Query parameters are not supported on writes', 'invalidSyntax');
    if (f.refuseGroupPatch && req.method === 'PATCH') return scimError(res, 501, 'PATCH is not supported on groups; use PUT');
    if (req.method === 'PATCH' && id !== null && named(id, f.refusePatchOfGroup)) return scimError(res, 405, 'PATCH is not allowed on this group; use PUT');
    if (f.groupPreconditionFails && write && req.header('if-match')) return scimError(res, 412, 'The group changed since you read it', 'invalidVers');
    if (req.method === 'GET') {
      // Registered first, so applied last: the faults below take the members out of what this gives.
      if (f.omitGroupMembers || (f.groupMembersOnlyWhenAsked && !asksForMembers(req.query))) rewriteSent(res, (text) => withoutMembers(text));
      else if (f.omitMembersOfGroup !== undefined) rewriteSent(res, (text) => withoutMembers(text, (gid) => named(gid, f.omitMembersOfGroup)));
      if (answersWithMembers(req.query)) rewriteSent(res, (text) => (res.statusCode >= 200 && res.statusCode < 300 ? withEmptyMembers(text) : null));
    }
    if (req.method === 'POST' && req.path === '/') {
      if (f.conflictOnGroupCreate) return scimError(res, 409, 'a group of that name already exists', 'uniqueness');
      rewriteSent(res, (text) => {
        if (res.statusCode !== 201) return null;
        const now = faults();
        if (now.loseGroupCreateAnswers && now.loseGroupCreateAnswers > 0) {
          now.loseGroupCreateAnswers--;
          res.status(502);
          return JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '502', detail: 'Bad gateway' });
        }
        if (!now.groupCreateAnswer) return null;
        const id = (JSON.parse(text) as { id?: unknown }).id;
        const groups = `http://${req.header('host') ?? '127.0.0.1'}${req.baseUrl}`;
        res.setHeader('Location', now.groupCreateAnswer === 'badLocation' ? `${groups}/%E0%A4%A` : `${groups}/${encodeURIComponent(String(id))}`);
        res.removeHeader('Content-Type');
        return '';
      });
    }
    if (req.method === 'PATCH' && f.refuseMemberFilterRemove) {
      return parse(req, res, () => {
        if (removesByMemberFilter(req.body)) return scimError(res, 400, 'Filters are not supported in a PATCH path', 'invalidPath');
        next();
      });
    }
    next();
  });
}
