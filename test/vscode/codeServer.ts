// Starts code-server (VS Code 1.100.3 from npm) for tests, per shared/docs/real-vscode-offline.md:
// its own session (setsid) on a free loopback port, a temp user-data-dir and XDG_CONFIG_HOME (so no
// config with a password lands in $HOME), no auth, no telemetry; and Debian Chromium driven by
// playwright-core. stop() kills the whole process group (a plain SIGTERM leaves watchers behind).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const REPO = resolve(__dirname, '..', '..');
export const CODE_SERVER = join(REPO, 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(REPO, 'test-artifacts', 'vscode');

export interface CodeServer {
  port: number;
  url: string;
  home: string;
  process: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/** A temp home: user-data-dir (with quiet settings), extensions dir, XDG config. */
/** `trust`: workspace trust on, the folder untrusted and no prompt — Restricted Mode. */
export function tempHome(label: string, trust = false): { home: string; userData: string; extensions: string; xdg: string } {
  const home = mkdtempSync(join(tmpdir(), `logit-lab-${label}-`));
  const userData = join(home, 'user-data');
  const extensions = join(home, 'extensions');
  const xdg = join(home, 'xdg');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  mkdirSync(xdg, { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'git.enabled': false,
        'git.autoRepositoryDetection': false,
        'security.workspace.trust.enabled': trust,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.emptyWindow': false,
        'window.restoreWindows': 'none',
        'files.hotExit': 'off',
      },
      null,
      2,
    ),
  );
  return { home, userData, extensions, xdg };
}

export async function startCodeServer(opts: { label: string; folder: string; home?: ReturnType<typeof tempHome>; trust?: boolean }): Promise<CodeServer> {
  const h = opts.home ?? tempHome(opts.label);
  const port = await freePort();
  mkdirSync(ARTIFACTS, { recursive: true });
  const logFile = join(ARTIFACTS, `${opts.label}-code-server.log`);
  const log = createWriteStream(logFile);
  const child = spawn(
    CODE_SERVER,
    [
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--user-data-dir', h.userData,
      '--extensions-dir', h.extensions,
      '--disable-telemetry',
      '--disable-update-check',
      ...(opts.trust ? [] : ['--disable-workspace-trust']),
      '--ignore-last-opened',
      opts.folder,
    ],
    // detached = setsid: the server and every child it starts share one process group to kill.
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CONFIG_HOME: h.xdg, XDG_DATA_HOME: join(h.home, 'xdg-data') } },
  );
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => (exited = true));
  const t0 = Date.now();
  for (;;) {
    if (exited) throw new Error(`code-server exited during startup; see ${logFile}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > 60_000) throw new Error(`code-server did not answer /healthz within 60 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    url,
    home: h.home,
    process: child,
    logFile,
    stop: async () => {
      if (exited || child.pid === undefined) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await gone;
      clearTimeout(timer);
      // Stragglers (file watchers) in the group.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // none left
      }
    },
  };
}

/** Debian Chromium; playwright gives every launch a fresh temporary profile. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
