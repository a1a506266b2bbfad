// Checks on everything the webview sends back to the extension host, in the style of
// webview/validate.ts (which checks what goes the other way). The panel's script is ours, but it
// renders run names and CSV values from the workspace, so the host treats its messages as input:
// a message that fails these checks is logged and dropped, never acted on. No `vscode` import, so
// it is unit-tested directly.
import { isAbsolute } from 'node:path';
import { fieldPaths } from '../core/experiment/introspect';
import { RunSpec } from '../core/experiment/schema';
import type { FromWebview } from '../protocol';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** Fields the Explore tab may write into an experiment file: the fields of a run but its name. */
const EXPLORABLE = new Set(fieldPaths(RunSpec).filter((p) => p !== 'name'));
const EXPORT_FORMATS = ['png', 'csv', 'json'];
/** A PNG of a 400×400 grid as a data: URL is well under this; anything bigger is not an export. */
const MAX_EXPORT_CHARS = 64 * 1024 * 1024;
const MAX_VALUE_CHARS = 10_000;
const MAX_INPUT_COLUMNS = 1000;

/** An absolute local path without NUL bytes (which node refuses) and of a sane length. */
function isLocalPath(v: unknown): v is string {
  return isStr(v) && v.length > 0 && v.length <= 4096 && !v.includes('\0') && isAbsolute(v);
}

/** A file name (no folder part, no `..`): the save dialog starts there, the user picks the folder. */
function isFileName(v: unknown): v is string {
  return isStr(v) && v.length > 0 && v.length <= 255 && !/[\\/\0]/.test(v) && v !== '.' && v !== '..';
}

/** A value as JSON carries it (what an experiment file can hold), small enough to write. */
function isJsonValue(v: unknown, depth = 0): boolean {
  if (depth > 8) return false;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJsonValue(x, depth + 1));
  if (isObj(v)) return Object.values(v).every((x) => isJsonValue(x, depth + 1));
  return false;
}

function isPredictInput(v: unknown): v is Record<string, string | number> {
  if (!isObj(v)) return false;
  const entries = Object.entries(v);
  return entries.length <= MAX_INPUT_COLUMNS && entries.every(([, cell]) => isStr(cell) || (typeof cell === 'number' && Number.isFinite(cell)));
}

/** The message, typed, or why it was refused. */
export function parseWebviewMessage(v: unknown): { ok: true; msg: FromWebview } | { ok: false; reason: string } {
  const refuse = (reason: string) => ({ ok: false as const, reason });
  if (!isObj(v) || !isStr(v.type)) return refuse('not a message object with a type');
  switch (v.type) {
    case 'ready':
      return { ok: true, msg: { type: 'ready' } };
    case 'liveAck':
      return Number.isSafeInteger(v.seq) ? { ok: true, msg: { type: 'liveAck', seq: v.seq as number } } : refuse('liveAck: seq is not an integer');
    case 'explore': {
      if (!isStr(v.path) || !EXPLORABLE.has(v.path)) return refuse(`explore: ${isStr(v.path) ? `"${v.path.slice(0, 80)}" is not a field of a run` : 'no path'}`);
      if (!isJsonValue(v.value)) return refuse(`explore ${v.path}: the value is not a plain JSON value`);
      if (JSON.stringify(v.value).length > MAX_VALUE_CHARS) return refuse(`explore ${v.path}: the value is too large`);
      return { ok: true, msg: { type: 'explore', path: v.path, value: v.value } };
    }
    case 'predict':
      if (!Number.isSafeInteger(v.requestId)) return refuse('predict: requestId is not an integer');
      if (!isLocalPath(v.modelDir)) return refuse('predict: modelDir is not an absolute path');
      if (!isPredictInput(v.input)) return refuse('predict: input is not one row of numbers and strings');
      return { ok: true, msg: { type: 'predict', requestId: v.requestId as number, modelDir: v.modelDir, input: v.input } };
    case 'export':
      if (!isStr(v.format) || !EXPORT_FORMATS.includes(v.format)) return refuse('export: unknown format');
      if (!isFileName(v.name)) return refuse('export: name is not a plain file name');
      if (!isStr(v.data) || v.data.length > MAX_EXPORT_CHARS) return refuse('export: data is not a string of a sane size');
      return { ok: true, msg: { type: 'export', format: v.format as 'png' | 'csv' | 'json', name: v.name, data: v.data } };
    case 'openRun':
      if (!isLocalPath(v.runDir)) return refuse('openRun: runDir is not an absolute path');
      return { ok: true, msg: { type: 'openRun', runDir: v.runDir } };
    default:
      return refuse(`unknown message type "${v.type.slice(0, 40)}"`);
  }
}
