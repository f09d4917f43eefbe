import { toCsv } from '../../../src-main/core/csv';

/** Saves text as a file through a Blob link (no main-process call, nothing leaves the machine). */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadCsv(fileName: string, header: readonly string[], rows: Iterable<readonly unknown[]>): void {
  downloadText(fileName, toCsv(header, rows), 'text/csv;charset=utf-8');
}

export function downloadJson(fileName: string, value: unknown): void {
  downloadText(fileName, JSON.stringify(value, null, 2), 'application/json');
}
