// The CLI's outputs: PNGs drawn with @napi-rs/canvas (decoded back and checked pixel by pixel), the
// self-contained HTML report (opened offline in Chromium: it must draw the boundary under its own
// CSP), and the terminal picture.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Browser } from 'playwright-core';
import type { RunRecord } from '../../src/core/engine/types';
import { renderBoundaryPng, renderCurvesPng } from '../../src/report/png';
import { renderReportHtml } from '../../src/report/html';
import { renderBoundaryAnsi } from '../../src/report/terminal';
import { ARTIFACTS, ROOT, launch, loadFixture } from './harness';

const moons = loadFixture<RunRecord>('moons-mlp.run.json');
const blobs = loadFixture<RunRecord>('blobs3.run.json');
const compare = loadFixture<RunRecord[]>('moons-compare.runs.json');

async function decode(png: Buffer) {
  const img = await loadImage(png);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, at: (x: number, y: number) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3)) };
}

before(() => mkdirSync(ARTIFACTS, { recursive: true }));

describe('png', () => {
  it('renderBoundaryPng: class colours on each side of the boundary', async () => {
    const png = renderBoundaryPng(moons, { width: 640, height: 560 });
    writeFileSync(join(ARTIFACTS, 'cli-boundary.png'), png);
    assert.deepEqual([...png.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
    const img = await decode(png);
    assert.equal(img.width, 640);
    // The plot's bottom-right corner is far into class 1 (blue), its top-left into class 0 (red).
    const br = img.at(600, 500), tl = img.at(70, 70);
    assert.ok(br[2] > br[0] + 60, `bottom right is blue: ${br}`);
    assert.ok(tl[0] > tl[2] + 40, `top left is red: ${tl}`);
  });

  it('renderBoundaryPng at 2× and in the dark theme', async () => {
    const img = await decode(renderBoundaryPng(blobs, { scale: 2, theme: 'dark' }));
    assert.equal(img.width, 1280);
    const corner = img.at(2, 2);
    assert.ok(corner.every((v) => v < 60), `dark background: ${corner}`);
  });

  it('renderCurvesPng: loss and accuracy panels with lines drawn', async () => {
    const png = renderCurvesPng(compare[1]);
    writeFileSync(join(ARTIFACTS, 'cli-curves.png'), png);
    const img = await decode(png);
    assert.equal(img.width, 960);
    // Count the train colour (#4e79a7) across the loss panel: a line, not an empty chart.
    let hits = 0;
    for (let x = 40; x < 470; x += 2) for (let y = 40; y < 330; y += 2) { const p = img.at(x, y); if (Math.abs(p[0] - 0x4e) < 30 && Math.abs(p[1] - 0x79) < 30 && Math.abs(p[2] - 0xa7) < 30) hits++; }
    assert.ok(hits > 50, `train loss line drawn (${hits} samples)`);
  });

  it('renderCurvesPng at 2× draws the whole chart, not a magnified corner of it', async () => {
    const img = await decode(renderCurvesPng(compare[1], { scale: 2 }));
    assert.equal(img.width, 1920);
    // The x axis spans the panel: grid/axis ink must reach the right part of the loss panel and
    // the bottom of the image (a double-scaled chart is cropped there and leaves them blank).
    const inked = (x0: number, x1: number, y0: number, y1: number) => {
      let n = 0;
      for (let x = x0; x < x1; x += 3) for (let y = y0; y < y1; y += 3) if (img.at(x, y).some((v) => v < 200)) n++;
      return n;
    };
    assert.ok(inked(700, 940, 600, 720) > 20, 'tick labels of the loss panel\'s x axis are drawn at the bottom right');
    assert.ok(inked(1700, 1900, 600, 720) > 20, 'tick labels of the accuracy panel\'s x axis are drawn');
  });
});

const ESC = String.fromCharCode(27);

describe('terminal', () => {
  it('truecolor half blocks, and plain characters without colour', () => {
    const colour = renderBoundaryAnsi(moons, 40, 12);
    assert.match(colour, new RegExp(`${ESC}\\[38;2;\\d+;\\d+;\\d+m${ESC}\\[48;2;\\d+;\\d+;\\d+m▀`));
    assert.equal(colour.split('\n').filter((l) => l.includes('▀')).length, 12);
    const plain = renderBoundaryAnsi(moons, 40, 12, { color: false });
    assert.ok(!plain.includes(ESC), 'no escape codes');
    const rows = plain.split('\n').slice(0, 12);
    assert.ok(rows.every((r) => r.length === 40));
    assert.equal(rows[0][0], '.', 'top left is class 0');
    assert.equal(rows[11][39], '#', 'bottom right is class 1');
    assert.ok(rows.some((r) => r.includes('*')), 'the boundary is marked');
  });
});

describe('html report', () => {
  let browser: Browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser.close(); });

  it('opens offline under its own CSP and draws the boundary', async () => {
    const html = renderReportHtml([moons, ...compare], {
      title: 'Moons </script><b>report</b>',
      webviewJs: readFileSync(join(ROOT, 'dist', 'webview.js'), 'utf8'),
      css: readFileSync(join(ROOT, 'media', 'panel.css'), 'utf8'),
    });
    const file = join(ARTIFACTS, 'report.html');
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const log: string[] = [];
    page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
    await page.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => document.querySelector('canvas[data-key="boundary"]') !== null);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await page.textContent('h1'), 'Moons </script><b>report</b>');
    const px = await page.evaluate(() => {
      const w = window as unknown as { __logitLab: { layouts: Record<string, { plot: { x: number; y: number; width: number; height: number } }> } };
      const { plot } = w.__logitLab.layouts.boundary;
      const c = document.querySelector('canvas[data-key="boundary"]') as HTMLCanvasElement;
      const ctx = c.getContext('2d')!;
      const dpr = c.width / c.getBoundingClientRect().width;
      // (No helper closures here: the test's transpiler would wrap them in a __name the page lacks.)
      return {
        br: Array.from(ctx.getImageData(Math.round((plot.x + plot.width - 4) * dpr), Math.round((plot.y + plot.height - 4) * dpr), 1, 1).data.slice(0, 3)),
        tl: Array.from(ctx.getImageData(Math.round((plot.x + 4) * dpr), Math.round((plot.y + 4) * dpr), 1, 1).data.slice(0, 3)),
      };
    });
    assert.ok(px.br[2] > px.br[0] + 60, `bottom right blue: ${px.br}`);
    assert.ok(px.tl[0] > px.tl[2] + 40, `top left red: ${px.tl}`);
    assert.equal(await page.locator('[role=tab]').count(), 8);
    await page.click('[data-tab="compare"]');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await page.locator('#compare-table tbody tr').count(), 4);
    await page.screenshot({ path: join(ARTIFACTS, 'html-report.png') });
    assert.deepEqual(log.filter((l) => /Content Security Policy|Refused|pageerror|^error/.test(l)), []);
  });
});
