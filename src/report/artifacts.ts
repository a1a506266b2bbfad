// Writes the pictures and the HTML report of runs to disk (CLI and worker call this after training).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../core/engine/types';
import type { ExperimentResult } from '../core/runner';
import { renderReportHtml } from './html';

export interface ReportOptions {
  /** Directory holding the built webview.js (dist/); the CSS is looked up next to it or in ../media. */
  bundleDir: string;
}

/** boundary.png (when the run has a boundary) and curves.png in the run's directory. */
export async function writeRunPictures(run: RunRecord, dir: string): Promise<string[]> {
  // Loaded on demand: the native canvas is a CLI dependency the extension's worker does not ship.
  const { renderBoundaryPng, renderCurvesPng } = await import('./png.js');
  const written: string[] = [];
  if (run.grid && run.snapshots.length) {
    const p = join(dir, 'boundary.png');
    // 1×: a heatmap is a smooth gradient that PNG compresses poorly — 2× was 0.5–0.6 MB a picture,
    // the largest part of a lesson's run directory. Text-heavy curves stay crisp at 2×.
    writeFileSync(p, renderBoundaryPng(run, { scale: 1 }));
    written.push(p);
  }
  if (run.history.length) {
    const p = join(dir, 'curves.png');
    writeFileSync(p, renderCurvesPng(run, { scale: 2 }));
    written.push(p);
  }
  return written;
}

function readFirst(paths: string[], what: string): string {
  for (const p of paths) if (existsSync(p)) return readFileSync(p, 'utf8');
  throw new Error(`cannot find ${what} (looked in ${paths.join(', ')}); run the build first`);
}

/** report.html (self-contained) in the experiment's output directory. */
export function writeExperimentReport(result: ExperimentResult, opts: ReportOptions): { html: string } {
  const webviewJs = readFirst([join(opts.bundleDir, 'webview.js'), join(opts.bundleDir, '..', 'dist', 'webview.js')], 'the panel bundle webview.js');
  const css = readFirst([join(opts.bundleDir, 'panel.css'), join(opts.bundleDir, '..', 'media', 'panel.css')], 'media/panel.css');
  const html = join(result.outDir, 'report.html');
  writeFileSync(html, renderReportHtml(result.runs, { title: `Logit Lab · ${result.name}`, webviewJs, css }));
  return { html };
}
