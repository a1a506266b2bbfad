#!/usr/bin/env bash
# Prepares a FRESH machine (Debian, Node 20, npm 11, root, npm registry + Debian apt only) to run
# the real-VS-Code suites: code-server 4.100.3 (VS Code 1.100.3) from npm, Debian Chromium driven
# by playwright-core. See shared/docs/real-vscode-offline.md for why each step is needed.
set -euo pipefail
cd "$(dirname "$0")/../.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# 1. System packages: kerberos headers (code-server's native kerberos module builds from source),
#    ripgrep (replaces @vscode/ripgrep's GitHub download), chromium (the browser under test),
#    build tools for the other native modules (argon2, spdlog, node-pty).
need=()
for p in libkrb5-dev ripgrep chromium build-essential python3; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi

# 2. @vscode/ripgrep's postinstall downloads rg from GitHub, which is unreachable: pre-seed its cache
#    with Debian's rg. The version (1.15.11) is the one code-server 4.100.3 pins.
tmp="${TMPDIR:-/tmp}"
cache="$tmp/vscode-ripgrep-cache-1.15.11"
tarball="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$tarball" ]; then
  mkdir -p "$cache"
  tar -C /usr/bin -czf "$tarball" rg
fi

# 3. Install from the lockfile. As root, older npms refuse lifecycle scripts without unsafe-perm, and
#    node-pty's postinstall (inside code-server's own postinstall) runs `npx node-gyp`, which must not
#    prompt. code-server's and argon2's install scripts are approved in package.json "allowScripts"
#    (recorded with `npm install-scripts approve code-server argon2`).
export npm_config_unsafe_perm=true npm_config_yes=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ "${SKIP_NPM_CI:-}" != 1 ]; then
  npm ci
fi

# 4. Sanity: code-server is runnable and is the VS Code we expect.
# (XDG_CONFIG_HOME: code-server writes a config with a password wherever that points.)
test -x /usr/bin/chromium
if [ -x node_modules/.bin/code-server ]; then
  XDG_CONFIG_HOME="$(mktemp -d)" node_modules/.bin/code-server --version
fi
