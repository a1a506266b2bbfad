// Text from files (run names, column names, CSV cells) reaches the terminal. Control characters in
// it could move the cursor, clear the screen or retitle the window (`\u001b]0;…\u0007`), so they are
// shown as visible escapes instead of being sent to the terminal.

// C0 controls but tab and newline, DEL, C1 controls, and the bidi overrides that reorder text.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function sanitize(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** One line: newlines too become visible (for table cells and one-line messages). */
export function sanitizeLine(text: string): string {
  return sanitize(text).replace(/\r?\n/g, '\\n').replace(/\t/g, ' ');
}
