// Plain aligned text tables for the terminal; numbers right-aligned, text left-aligned. Cells come
// from files (run names, class names), so control characters are made visible (sanitize.ts).
import { sanitizeLine } from './sanitize';

export function formatTable(header: string[], rawRows: string[][]): string {
  const rows = rawRows.map((r) => r.map((cell) => sanitizeLine(cell ?? '')));
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,—%]+( ms| s)?$|^—$/.test(r[i] ?? '')));
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header.map(sanitizeLine)), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
