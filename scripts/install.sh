#!/usr/bin/env bash
# Installs what Logit Lab needs on a fresh Debian/Ubuntu machine with Node 20 (root or sudo).
#   scripts/install.sh          the CLI and the extension build
#   scripts/install.sh --test   also what the tests need: PyTorch and scikit-learn for the parity
#                               tests (Debian's python3-torch, python3-sklearn)
# Both prepare the machine for code-server (a devDependency that the real-VS-Code tests run): its
# native modules build from source and its ripgrep download is replaced by Debian's ripgrep.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ "${1:-}" = "--test" ]; then
  missing=()
  for p in python3-torch python3-sklearn fonts-dejavu-core; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# System part of the code-server setup (Chromium, build tools, ripgrep cache), then npm ci with the
# settings its install scripts need. Playwright never downloads a browser: tests use /usr/bin/chromium.
# @tensorflow/tfjs-node is optional: where its libtensorflow download is blocked it is skipped.
SKIP_NPM_CI=1 bash test/vscode/setup.sh
export npm_config_unsafe_perm=true npm_config_yes=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --no-audit --no-fund
