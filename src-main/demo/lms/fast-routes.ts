/**
 * The writes the simulator answers without SCIMMY, where the store can give SCIMMY's answer ~10 to
 * 1,000 times faster: User POST, PUT and PATCH (fast-users.ts) and Group PATCH (fast-groups.ts).
 * Registered ahead of SCIMMY's router; anything they do not handle goes on to it before the store
 * is touched. `fastWrites: false` leaves every request to SCIMMY.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import SCIMMY from 'scimmy';
import { groupOut, patchedGroup, sameGroup } from './fast-groups';
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
    const doc = before ? patchedGroup(before, req.body) : null;
    if (!before || !doc) return next();
    let after: Json;
    try {
      after = store.putGroup(id, doc);
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
