// A small picture of a 2-D decision boundary for the terminal: truecolor half blocks (▀, the upper
// half painted with the foreground colour, the lower with the background), so each character shows
// two grid cells. Without colour it falls back to characters: '#' class 1, '.' class 0, digits for k
// classes, and '*' where the boundary runs.
import type { RunRecord } from '../core/engine/types';
import { isOneD, probabilitiesAt } from '../../webview/render/boundary';
import { classColor, darkPalette, divergingColor, mix, parseColor } from '../../webview/render/palette';

export interface AnsiOptions { color?: boolean }

export function renderBoundaryAnsi(run: RunRecord, width: number, height: number, opts: AnsiOptions = {}): string {
  const grid = run.grid, snap = run.snapshots.at(-1);
  if (!grid || !snap) return '(no boundary recorded)\n';
  const color = opts.color ?? true;
  const oneD = isOneD(grid);
  const rows = oneD ? 2 : height * 2; // two pixel rows per character row
  const probsAt = (col: number, row: number): number[] => {
    const x = grid.xMin + ((col + 0.5) / width) * (grid.xMax - grid.xMin);
    const y = oneD ? 0 : grid.yMax - ((row + 0.5) / rows) * (grid.yMax - grid.yMin);
    return probabilitiesAt(grid, snap, x, y);
  };
  const bg = parseColor(darkPalette.background);
  const rgbOf = (p: number[]): [number, number, number] => {
    if (p.length === 2) return mix(bg, parseColor(divergingColor(p[1])), Math.min(1, 0.2 + 0.8 * Math.abs(2 * p[1] - 1)));
    const c = p.indexOf(Math.max(...p));
    return mix(bg, parseColor(classColor(c, p.length)), 0.3 + 0.7 * ((p[c] - 1 / p.length) / (1 - 1 / p.length)));
  };
  const cls = (p: number[]) => p.indexOf(Math.max(...p));
  const lines: string[] = [];
  if (color) {
    for (let r = 0; r < rows; r += 2) {
      let line = '';
      for (let c = 0; c < width; c++) {
        const [a, b] = [rgbOf(probsAt(c, r)), rgbOf(probsAt(c, Math.min(rows - 1, r + 1)))].map((v) => v.map(Math.round));
        line += `\x1b[38;2;${a[0]};${a[1]};${a[2]}m\x1b[48;2;${b[0]};${b[1]};${b[2]}m▀`;
      }
      lines.push(line + '\x1b[0m');
    }
  } else {
    const h = oneD ? 1 : height;
    for (let r = 0; r < h; r++) {
      let line = '';
      for (let c = 0; c < width; c++) {
        const row = oneD ? 0 : r * 2 + 1;
        const here = cls(probsAt(c, row));
        const border = (c + 1 < width && cls(probsAt(c + 1, row)) !== here) || (!oneD && r + 1 < h && cls(probsAt(c, row + 2)) !== here);
        line += border ? '*' : grid.classes <= 2 ? (here === 1 ? '#' : '.') : String(here % 10);
      }
      lines.push(line);
    }
  }
  const xName = run.featureNames[grid.features[0]] ?? 'x';
  const yName = oneD ? '' : ` ↑ ${run.featureNames[grid.features[1]] ?? 'y'}`;
  lines.push(`${xName} ${grid.xMin.toFixed(2)} … ${grid.xMax.toFixed(2)} →${yName}${oneD ? '' : ` ${grid.yMin.toFixed(2)} … ${grid.yMax.toFixed(2)}`}`);
  return lines.join('\n') + '\n';
}
