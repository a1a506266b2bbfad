// One training owns its output folder. Two trainings started in the same second get folders of
// their own; a folder named with --out that already holds runs is refused rather than overwritten;
// a folder another live process is writing is refused. The lock (a file holding the owner's pid)
// is removed when the training ends; one left by a process that died is taken over.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LogitLabError } from '../errors';
import { isRunDir } from '../run/store';

const LOCK = '.logit-lab.lock';

export interface ClaimedDir {
  dir: string;
  release(): void;
}

/**
 * Claims `dir` for one training. `fresh`: the folder was named by us (a timestamp), so if it
 * exists already, a suffix makes a new one; otherwise (--out) it must hold no runs.
 */
export function claimOutDir(dir: string, fresh: boolean): ClaimedDir {
  let target = dir;
  if (fresh) {
    // Made without `recursive`, so exactly one training creates each folder (a recursive mkdir
    // succeeds on a folder that exists: two trainings started together shared one that way).
    mkdirSync(dirname(dir), { recursive: true });
    for (let n = 2; ; n++) {
      try {
        mkdirSync(target);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw err;
        target = `${dir}-${n}`;
      }
    }
  } else {
    mkdirSync(target, { recursive: true });
  }
  takeLock(target);
  if (!fresh) {
    const earlier = readdirSync(target, { withFileTypes: true }).filter((e) => e.isDirectory() && isRunDir(join(target, e.name)));
    if (earlier.length) {
      releaseLock(target);
      throw new LogitLabError(`${target} already holds ${earlier.length} run${earlier.length === 1 ? '' : 's'} of an earlier training (${earlier.slice(0, 3).map((e) => e.name).join(', ')}${earlier.length > 3 ? ', …' : ''})`, {
        hint: 'pass a new folder to --out, or leave --out out to get a fresh timestamped folder; delete the old one if you no longer need it',
      });
    }
  }
  return { dir: target, release: () => releaseLock(target) };
}

function takeLock(dir: string): void {
  const path = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readOrEmpty(path));
      if (owner && owner !== process.pid && alive(owner)) {
        throw new LogitLabError(`${dir} is being written by another training (process ${owner})`, {
          hint: 'wait for it to finish, or pass another folder to --out',
        });
      }
      // Left by a process that is gone (or by this one): take it over.
      rmSync(path, { force: true });
    }
  }
  throw new LogitLabError(`could not lock ${dir} for this training`, { hint: 'pass another folder to --out' });
}

/** True while a live process other than this one holds the folder's lock. */
export function lockedByAnother(dir: string): boolean {
  const owner = Number(readOrEmpty(join(dir, LOCK)));
  return !!owner && owner !== process.pid && alive(owner);
}

function releaseLock(dir: string): void {
  const path = join(dir, LOCK);
  if (Number(readOrEmpty(path)) === process.pid) rmSync(path, { force: true });
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
