/**
 * Per-run audit log: one JSON line per operation (op, user, fields, result). Capped in size so
 * a runaway run cannot fill the disk; the cap is noted in the log itself.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { AuditEntry, RunRecord } from '../core/reports';

export const AUDIT_MAX_BYTES = 64 * 1024 * 1024;
/**
 * Lines reach the file in batches at most this far apart. One write per line cost the main
 * thread ~0.15 ms each, a tenth of an apply's time at 10,000 creates; a process killed meanwhile
 * loses at most these last milliseconds of lines, about what an unflushed write loses anyway.
 */
export const AUDIT_FLUSH_MS = 20;

export type { AuditEntry } from '../core/reports';

export class AuditLog {
  private readonly stream: WriteStream;
  private bytes = 0;
  private truncated = false;
  private pending: string[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly file: string,
    private readonly maxBytes = AUDIT_MAX_BYTES,
  ) {
    this.stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
  }

  /** Named after the integration too, so removing it finds the logs of runs that never finished. */
  static fileName(integrationId: string, runId: string): string {
    return `${integrationId}.${runId}.jsonl`;
  }

  static open(auditDir: string, integrationId: string, runId: string): AuditLog {
    return new AuditLog(path.join(auditDir, AuditLog.fileName(integrationId, runId)));
  }

  write(entry: AuditEntry): void {
    if (this.truncated) return;
    const line = `${JSON.stringify(entry)}\n`;
    if (this.bytes + line.length > this.maxBytes) {
      this.truncated = true;
      this.queue(`${JSON.stringify({ at: entry.at, note: `audit log capped at ${this.maxBytes} bytes; later operations are counted in the run record only` })}\n`);
      return;
    }
    this.bytes += line.length;
    this.queue(line);
  }

  private queue(line: string): void {
    this.pending.push(line);
    if (this.pending.length >= 1_000) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), AUDIT_FLUSH_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0) return;
    this.stream.write(this.pending.join(''));
    this.pending = [];
  }

  async close(): Promise<void> {
    this.flush();
    this.stream.end();
    await once(this.stream, 'close');
  }
}

/** An audit log line as read back: an entry, or the note that the log was capped. */
export type AuditLine = Partial<AuditEntry> & { note?: string };

/**
 * The lines of an audit log, parsed, in order. A line that is not JSON (the last one of a log cut
 * short by a crash) is skipped. `wanted` picks lines by their text before parsing them; `maxBytes`
 * reads only the start of a big log. Opening a missing log throws, as reading a file does.
 */
export async function* auditLines(file: string, options: { wanted?: (text: string) => boolean; maxBytes?: number } = {}): AsyncGenerator<AuditLine> {
  const stream = createReadStream(file, { encoding: 'utf8', ...(options.maxBytes !== undefined ? { end: options.maxBytes - 1 } : {}) });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const text of lines) {
      if (!text.trim() || (options.wanted && !options.wanted(text))) continue;
      let line: AuditLine;
      try {
        line = JSON.parse(text) as AuditLine;
      } catch {
        continue;
      }
      if (typeof line === 'object' && line !== null) yield line;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/**
 * The LMS accounts that applies wrote successfully after `after` (an ISO time on this machine's
 * clock), from their audit logs: a changes read must see each of them as modified.
 */
export async function accountsWrittenAfter(auditDir: string, runs: readonly RunRecord[], after: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const run of runs) {
    if ((run.kind !== 'apply' && run.kind !== 'on-demand') || !run.auditLog || (run.finishedAt !== null && run.finishedAt < after)) continue;
    try {
      for await (const entry of auditLines(path.join(auditDir, path.basename(run.auditLog)))) {
        if (entry.result === 'ok' && entry.op !== 'department' && entry.op !== 'group' && typeof entry.targetId === 'string' && typeof entry.at === 'string' && entry.at > after) ids.add(entry.targetId);
      }
    } catch {
      // A pruned or unreadable log proves nothing either way.
    }
  }
  return [...ids];
}

