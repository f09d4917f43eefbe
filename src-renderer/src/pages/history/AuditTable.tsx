import { Button, Caption1, Dropdown, Input, MessageBar, MessageBarBody, Option, tokens } from '@fluentui/react-components';
import { ArrowDownload20Regular, Search20Regular } from '@fluentui/react-icons';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useDeferredValue, useMemo, useRef, useState } from 'react';
import type { AuditEntry } from '../../../../src-preload/api-types';
import { downloadCsv, downloadJson } from '../../lib/download';
import { formatValue, plural } from '../../lib/format';
import { reasonLabel, shortField } from '../dry-run/planIndex';

const COLUMNS = '150px 100px 90px minmax(180px, 1.2fr) minmax(140px, 1fr) minmax(200px, 2fr)';
const ROW = 36;
const ellipsis = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } as const;

/** A pushed group's members (one list, possibly of thousands): how many, and the first names. */
function membersText(names: string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return `${plural(names.length, 'person', 'people')}${names.length > 0 ? ` (${shown}${names.length > 5 ? ', …' : ''})` : ''}`;
}

/** Whom or what a line is about: the person, or for a pushed group's write the LMS group's name. */
function subjectOf(e: AuditEntry): string {
  const group = e.op === 'group' ? e.fields.find((f) => f.field === 'LMS group')?.to : undefined;
  return typeof group === 'string' ? group : (e.email ?? e.sourceId ?? e.targetId ?? '—');
}

/** The fields in one line; `short`: a pushed group's member lists as a count and the first names (the table's cell, not the export). */
function fieldsText(e: AuditEntry, short = false): string {
  if (e.op === 'group' && short) return e.fields.map((f) => (typeof f.to === 'string' ? `${f.field} "${f.to}"` : `${f.field}: ${membersText([f.from, f.to].flatMap((v) => (Array.isArray(v) ? v : [])))}`)).join('; ');
  if (e.op === 'group') return e.fields.map((f) => `${f.field}: ${[f.from, f.to].flatMap((v) => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : [])).join(', ')}`).join('; ');
  return e.fields.map((f) => `${shortField(f.field)}: ${formatValue(f.from)} → ${formatValue(f.to)}`).join('; ');
}

/** A run's audit log: every operation and its result, filterable, exportable, virtualised. */
export function AuditTable({ entries, runId, truncated }: { entries: AuditEntry[]; runId: string; truncated: boolean }) {
  const [op, setOp] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [text, setText] = useState('');
  const q = useDeferredValue(text.trim().toLowerCase());
  const haystack = useMemo(() => entries.map((e) => `${subjectOf(e)}\u0000${e.email ?? ''}\u0000${e.sourceId ?? ''}\u0000${e.targetId ?? ''}\u0000${e.reason}\u0000${reasonLabel(e.reason)}\u0000${e.error?.message ?? ''}`.toLowerCase()), [entries]);
  const ops = useMemo(() => [...new Set(entries.map((e) => e.op))].sort(), [entries]);
  const rows = useMemo(() => {
    const out: number[] = [];
    entries.forEach((e, i) => {
      if (op && e.op !== op) return;
      if (result && e.result !== result) return;
      if (q && !(haystack[i] ?? '').includes(q)) return;
      out.push(i);
    });
    return out;
  }, [entries, haystack, op, result, q]);
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler in this build; the virtualizer re-renders this component itself
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 16 });
  const onKey = useCallback(
    (e: React.KeyboardEvent, pos: number) => {
      const to = e.key === 'ArrowDown' ? pos + 1 : e.key === 'ArrowUp' ? pos - 1 : null;
      if (to === null || to < 0 || to >= rows.length) return;
      e.preventDefault();
      virtualizer.scrollToIndex(to);
      requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-pos="${to}"]`)?.focus());
    },
    [rows.length, virtualizer],
  );
  const shown = () => rows.map((i) => entries[i]).filter((e): e is AuditEntry => e !== undefined);
  const name = `rollcall-audit-${runId}`;
  return (
    <div style={{ display: 'grid', gap: 8 }} data-testid="audit-log">
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <Input contentBefore={<Search20Regular />} placeholder="Search e-mail, id, reason or error" aria-label="Search the audit log" value={text} onChange={(_e, d) => setText(d.value)} style={{ width: 300 }} data-testid="audit-search" />
        <Dropdown aria-label="Operation" placeholder="Any operation" value={op ?? ''} selectedOptions={op ? [op] : []} onOptionSelect={(_e, d) => setOp(d.optionValue ? d.optionValue : null)} style={{ minWidth: 170 }} data-testid="audit-op">
          <Option value="">Any operation</Option>
          {ops.map((o) => (
            <Option key={o} value={o}>
              {o}
            </Option>
          ))}
        </Dropdown>
        <Dropdown aria-label="Result" placeholder="Any result" value={result ?? ''} selectedOptions={result ? [result] : []} onOptionSelect={(_e, d) => setResult(d.optionValue ? d.optionValue : null)} style={{ minWidth: 150 }} data-testid="audit-result">
          <Option value="">Any result</Option>
          <Option value="ok">ok</Option>
          <Option value="failed">failed</Option>
          <Option value="not-executed">not-executed</Option>
        </Dropdown>
        <Button icon={<ArrowDownload20Regular />} onClick={() => downloadCsv(`${name}.csv`, ['at', 'op', 'result', 'email', 'reason', 'sourceId', 'targetId', 'fields', 'error'], shown().map((e) => [e.at, e.op, e.result, e.email, e.reason, e.sourceId, e.targetId, fieldsText(e), e.error?.message ?? '']))} data-testid="audit-csv">
          CSV
        </Button>
        <Button icon={<ArrowDownload20Regular />} onClick={() => downloadJson(`${name}.json`, shown())} data-testid="audit-json">
          JSON
        </Button>
        <Caption1 role="status" style={{ marginLeft: 'auto' }} data-testid="audit-count">
          {rows.length === entries.length ? plural(entries.length, 'entry', 'entries') : `${rows.length.toLocaleString()} of ${plural(entries.length, 'entry', 'entries')}`}
        </Caption1>
      </div>
      {truncated ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>The audit log is longer than what is shown here; the run record keeps the totals.</MessageBarBody>
        </MessageBar>
      ) : null}
      <div role="region" aria-label="Audit log entries" style={{ border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusLarge, overflow: 'hidden' }}>
        <div aria-hidden style={{ display: 'grid', gridTemplateColumns: COLUMNS, gap: 8, padding: '8px 12px', background: tokens.colorNeutralBackground3, fontWeight: 600, fontSize: tokens.fontSizeBase200 }}>
          <span>Time</span>
          <span>Operation</span>
          <span>Result</span>
          <span>Person</span>
          <span>Reason</span>
          <span>Fields / error</span>
        </div>
        {rows.length === 0 ? (
          <div style={{ padding: 16 }}>
            <Caption1>{entries.length === 0 ? 'This run wrote no audit entries (a dry run, or nothing to change).' : 'No entry matches these filters.'}</Caption1>
          </div>
        ) : (
          <div ref={scroller} style={{ height: 'max(320px, calc(100vh - 480px))', overflow: 'auto', contain: 'strict' }}>
            <div role="list" aria-label={`${rows.length} audit entries`} style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const e = entries[rows[item.index] ?? -1];
                if (!e) return null;
                const detail = e.error ? `${e.error.message}${e.error.lmsDetail ? ` — LMS said: ${e.error.lmsDetail}` : ''}` : fieldsText(e, true);
                return (
                  <div
                    key={item.key}
                    role="listitem"
                    tabIndex={0}
                    className="rollcall-row"
                    data-pos={item.index}
                    data-testid="audit-row"
                    data-result={e.result}
                    onKeyDown={(ev) => onKey(ev, item.index)}
                    title={detail}
                    style={{ position: 'absolute', top: 0, left: 0, width: '100%', height: ROW, transform: `translateY(${item.start}px)`, display: 'grid', gridTemplateColumns: COLUMNS, gap: 8, alignItems: 'center', padding: '0 12px', boxSizing: 'border-box', borderBottom: `1px solid ${tokens.colorNeutralStroke3}`, fontSize: tokens.fontSizeBase200 }}
                  >
                    <span style={ellipsis}>{new Date(e.at).toLocaleTimeString()}</span>
                    <span style={ellipsis}>{e.op}</span>
                    <span style={{ ...ellipsis, color: e.result === 'failed' ? tokens.colorPaletteRedForeground1 : e.result === 'ok' ? tokens.colorPaletteGreenForeground1 : tokens.colorNeutralForeground3, fontWeight: 600 }}>{e.result}</span>
                    <span style={ellipsis}>{subjectOf(e)}</span>
                    <span style={ellipsis} title={e.reason}>
                      {reasonLabel(e.reason)}
                    </span>
                    <span style={{ ...ellipsis, fontFamily: e.error ? undefined : tokens.fontFamilyMonospace }}>{detail}</span>
                  </div>
                );
              })}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
