/**
 * The LMS target: core's TargetDirectory over SCIM 2.0 (RFC 7643/7644), adapting to what the
 * server advertises. Entry point of the lms/ room.
 */
import type { LmsSettings } from '../core/config';
import type { TargetDirectory } from '../core/directories';
import { appError, fail, ok, type Result } from '../core/errors';
import type { LmsCapabilities } from '../core/model';
import { describeCapabilities, type LmsLayout } from './discovery';
import { redactError } from './errors';
import { ScimHttp, type HttpStats, type ScimHttpConfig } from './http';
import { readChanges } from './changes';
import { createGroup, readGroups, updateGroupMembers } from './groups';
import { findUsers, readAll } from './lookups';
import { Session } from './session';
import { createUser, setActive, updateUser } from './writes';

/** Retry and timing settings are the HTTP layer's (sleep is injected in tests to make backoff instant). */
export interface ScimTargetOptions extends Pick<ScimHttpConfig, 'maxRetries' | 'baseBackoffMs' | 'maxBackoffMs' | 'maxRetryAfterMs' | 'timeoutMs' | 'sleep'> {
  /** Users per page asked for; the server's maxResults wins when smaller. Default 1000. */
  pageSize?: number;
}

export interface ScimTarget extends TargetDirectory {
  /** The capabilities in plain sentences for "Test LMS connection" (discovers first if needed). */
  describe(signal?: AbortSignal): Promise<Result<string[]>>;
  /** What discovery found, null before the first successful discovery. */
  layout(): LmsLayout | null;
  /** Requests sent and retried so far. */
  stats(): HttpStats;
  /** Closes kept-alive connections. */
  close(): void;
}

const noLayout = () => appError('LMS_UNSUPPORTED', 'The LMS connection is not set up yet.', 'Test the LMS connection first.');

/** The Authorization header for the configured scheme. */
export function authorizationHeader(auth: LmsSettings['auth'], token: string): string {
  switch (auth.scheme) {
    case 'bearer':
      return `Bearer ${token}`;
    case 'custom':
      return `${auth.prefix} ${token}`;
    case 'basic':
      return `Basic ${Buffer.from(`${auth.username}:${token}`, 'utf8').toString('base64')}`;
  }
}

export function createScimTarget(settings: LmsSettings, token: string, options: ScimTargetOptions = {}): ScimTarget {
  const authorization = authorizationHeader(settings.auth, token);
  const secrets = [token, authorization, authorization.split(' ').slice(1).join(' ')].filter((x) => x.length >= 4);
  const http = new ScimHttp({
    baseUrl: settings.baseUrl,
    authorization,
    secrets,
    caCertPem: settings.caCertPem,
    concurrency: settings.concurrency,
    rateLimitPerSecond: settings.rateLimitPerSecond,
    maxRetries: options.maxRetries,
    baseBackoffMs: options.baseBackoffMs,
    maxBackoffMs: options.maxBackoffMs,
    maxRetryAfterMs: options.maxRetryAfterMs,
    timeoutMs: options.timeoutMs,
    sleep: options.sleep,
  });
  const s = new Session(http, settings, secrets, options.pageSize ?? 1000);
  // Last line of defence: whatever path an error took, the token is scrubbed before it leaves.
  const scrub = <T>(p: Promise<Result<T>>): Promise<Result<T>> => p.then((r) => (r.ok ? r : { ok: false, error: redactError(r.error, secrets) }));

  return {
    discover: (signal) => scrub(s.rediscover(signal).then((r): Result<LmsCapabilities> => (r.ok ? ok(r.value.capabilities) : r))),
    describe: (signal) => scrub(s.ensureLayout(signal).then((r): Result<string[]> => (r.ok ? ok(describeCapabilities(r.value.capabilities, r.value)) : r))),
    readAll: (onProgress, signal) => scrub(readAll(s, onProgress, signal)),
    readChanges: (cached, onProgress, signal) => scrub(readChanges(s, cached, onProgress, signal)),
    findUsers: (by, signal) => scrub(findUsers(s, by, signal)),
    createUser: (user, signal) => scrub(createUser(s, user, signal)),
    updateUser: (id, changes, signal) => scrub(updateUser(s, id, changes, signal)),
    setActive: (id, active, signal) => scrub(setActive(s, id, active, signal)),
    createdDepartments: () => s.org?.createdDepartments() ?? [],
    ensureDepartment: (path, signal) =>
      scrub(s.ensureLayout(signal).then((r): Promise<Result<string>> | Result<string> => (r.ok && s.org ? s.org.ensureDepartment(path, signal) : r.ok ? fail(noLayout()) : r))),
    readGroups: (withMembers, signal) => scrub(readGroups(s, withMembers, signal)),
    createGroup: (displayName, memberIds, signal) => scrub(createGroup(s, displayName, memberIds, signal)),
    updateGroupMembers: (id, add, remove, signal) => scrub(updateGroupMembers(s, id, add, remove, signal)),
    layout: () => s.layout,
    stats: () => http.stats,
    close: () => http.close(),
  };
}
