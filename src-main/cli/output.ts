/**
 * Human output (tables, a progress bar on stderr) and machine output (--json). Nothing printed
 * here is ever a secret: callers print plans, summaries and error values only.
 */
import type { AppError } from '../core/errors';

export interface Output {
  json: boolean;
  /** Standard output: the result. */
  out(text: string): void;
  /** Standard error: progress and diagnostics, never parsed. */
  err(text: string): void;
  result(value: unknown): void;
  error(error: AppError): void;
  progress(label: string, done: number, total: number | null): void;
  endProgress(): void;
}

export function createOutput(json: boolean, stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Output {
  const interactive = !json && stderr.isTTY === true;
  let lastDraw = 0;
  let drawn = false;
  return {
    json,
    out: (text) => void stdout.write(`${text}\n`),
    err: (text) => void stderr.write(`${text}\n`),
    result(value) {
      stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    error(error) {
      if (json) stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
      else stderr.write(`Error [${error.code}]: ${error.message}\n  What to do: ${error.fix}\n`);
    },
    progress(label, done, total) {
      if (!interactive) return;
      const now = Date.now();
      if (now - lastDraw < 80 && done !== total) return;
      lastDraw = now;
      drawn = true;
      const width = 28;
      const bar = total && total > 0 ? `[${'#'.repeat(Math.round((done / total) * width)).padEnd(width, '.')}] ${done}/${total}` : `${done}`;
      stderr.write(`\r\x1b[2K${label} ${bar}`);
    },
    endProgress() {
      if (drawn) stderr.write('\r\x1b[2K');
      drawn = false;
    },
  };
}

/** A plain text table: columns padded to the widest cell, long cells cut with an ellipsis. */
export function table(headers: string[], rows: (string | number | null)[][], maxWidth = 60): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '—' : String(v);
    return s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s;
  };
  const cells = [headers, ...rows.map((r) => r.map(cell))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(cells[0] ?? []), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}
