#!/usr/bin/env bash
# Installs what Logit Lab needs on a fresh Debian/Ubuntu machine with Node 20.
#   scripts/install.sh          the CLI and the extension build (npm packages only)
#   scripts/install.sh --test   also what the test suites need: PyTorch and scikit-learn for the
#                               parity tests, Chromium for the webview and VS Code UI tests, and
#                               code-server's build needs (Debian packages, root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=false
[ "${1:-}" = "--test" ] && want_tests=true

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if $want_tests; then
  pkgs=(python3-torch python3-sklearn chromium ripgrep libkrb5-dev fonts-dejavu-core)
  missing=()
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

# Playwright must never download its own browser: tests use Debian's /usr/bin/chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# @tensorflow/tfjs-node is optional: where its libtensorflow download is blocked it is skipped.
npm ci --no-audit --no-fund

if $want_tests && [ -f test/vscode/setup.sh ]; then
  bash test/vscode/setup.sh
fi
