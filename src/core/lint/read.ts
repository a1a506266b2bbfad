// Reading a file to lint, for the CLI and the editor alike. The type is checked before reading, so
// a FIFO named x.py is refused instead of blocking forever; a file in another encoding or a binary
// file is refused instead of being reported as "All checks passed!".
import { readFile, stat } from 'node:fs/promises';
import { LogitLabError } from '../errors';
import { foreignEncoding } from '../text-guards';

export async function readLintableFile(path: string): Promise<string> {
  const st = await stat(path);
  if (!st.isFile()) {
    const kind = st.isFIFO() ? 'a named pipe (FIFO)' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
    throw new LogitLabError(`${kind}, not a source file: skipped`, { hint: 'lint regular .py and .ipynb files' });
  }
  return lintableText(await readFile(path, 'utf8'));
}

/** The text as the linter takes it, or an error saying why it cannot be linted. */
export function lintableText(text: string): string {
  if (foreignEncoding(text)) throw new LogitLabError('the file is encoded as UTF-16, not UTF-8: not linted', { hint: 'save it as UTF-8 (PEP 3120: Python source is UTF-8)' });
  if (text.includes('\u0000')) throw new LogitLabError('the file holds NUL bytes (a binary file?): not linted', { hint: 'lint Python source files' });
  return text.replace(/^\uFEFF/, '');
}
