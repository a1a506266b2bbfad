// Where a dataset may read from. Generated datasets ignore it; CSV paths resolve against it.
export interface DataContext {
  /** Directory of the experiment file: relative CSV paths start here. */
  baseDir: string;
  /** The workspace folder: no data file may resolve outside it (symlinks included). */
  workspaceRoot: string;
  /** The experiment file itself, for messages. */
  file?: string;
}
