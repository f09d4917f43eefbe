/** Timing, peak memory and the one results table of `npm run bench`. */

/** Samples this process's resident set every few ms; peak() is the highest since reset(). */
export class RssSampler {
  private max = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(intervalMs = 10) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }
  private sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.max) this.max = rss;
  }
  reset(): void {
    this.max = 0;
    this.sample();
  }
  /** MB */
  peak(): number {
    this.sample();
    return Math.round(this.max / 1e6);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** Process-lifetime peak RSS as the kernel counts it (resourceUsage().maxRSS is in kB). */
export function lifetimeMaxRssMb(): number {
  return Math.round((process.resourceUsage().maxRSS * 1024) / 1e6);
}

export async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, ms: performance.now() - t0 };
}

/** global.gc when node runs with --expose-gc (npm run bench does). */
export const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** `work`, timed from a collected heap: garbage left by the set-up or the try before is not its cost. */
export function timedAfterCollecting<T>(work: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  collectGarbage?.();
  return timed(work);
}

/** Runs `work` `times` times and keeps the fastest (less noise from GC and the other core). */
export async function bestOf<T>(times: number, work: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  let best: { value: T; ms: number } | null = null;
  for (let i = 0; i < Math.max(1, times); i++) {
    const r = await timedAfterCollecting(work);
    if (!best || r.ms < best.ms) best = r;
  }
  return best as { value: T; ms: number };
}

/**
 * `stricter`: the ratio held against a baseline stricter than the one it names (node:http
 * instead of fetch). Shown as within or over, never as the PASS or MISS.
 */
export type Target = { kind: 'ratio'; max: number } | { kind: 'stricter'; max: number } | { kind: 'ms'; max: number } | { kind: 'none' };

export interface Row {
  id: string;
  what: string;
  /** The measured figure (ms) and what else is worth knowing (requests, RSS…). */
  ms: number | null;
  detail: string;
  baselineWhat: string;
  baselineMs: number | null;
  target: Target;
  /** Set when the row could not be measured. */
  unavailable?: string;
}

export function ratioOf(row: Row): number | null {
  return row.ms !== null && row.baselineMs !== null && row.baselineMs > 0 ? row.ms / row.baselineMs : null;
}

export function verdict(row: Row): 'PASS' | 'MISS' | 'within' | 'over' | 'n/a' {
  if (row.unavailable || row.ms === null) return 'n/a';
  if (row.target.kind === 'none') return 'n/a';
  if (row.target.kind === 'ms') return row.ms <= row.target.max ? 'PASS' : 'MISS';
  const r = ratioOf(row);
  const within = r !== null && r <= row.target.max;
  if (row.target.kind === 'stricter') return within ? 'within' : 'over';
  return within ? 'PASS' : 'MISS';
}

export function fmtMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

function targetText(t: Target): string {
  return t.kind === 'ratio' ? `ratio ≤ ${t.max}` : t.kind === 'stricter' ? `(≤ ${t.max})` : t.kind === 'ms' ? `≤ ${fmtMs(t.max)}` : '—';
}

/** The one table: each figure beside its baseline, the ratio, the target and PASS/MISS. */
export function renderTable(rows: readonly Row[]): string {
  const header = ['#', 'measure', 'Rollcall', 'baseline (same run)', 'baseline', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => {
    const ratio = ratioOf(r);
    return [r.id, r.what, r.unavailable ? r.unavailable : fmtMs(r.ms), r.baselineWhat, fmtMs(r.baselineMs), ratio === null ? '—' : ratio.toFixed(ratio < 0.1 ? 3 : 2), targetText(r.target), verdict(r)];
  });
  const all = [header, ...cells];
  const widths = header.map((_, i) => Math.max(...all.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
