#!/usr/bin/env bash
# Install ONLY the engine's requirements (+ pytest, hypothesis) in a fresh venv and run tests/engine there.
# Proves voucher_audit needs neither Django nor the web app. Extra arguments go to pytest
# (e.g. -m "not spark" for a quick run; Spark tests need Java 17).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
"$PYTHON" -m venv "$TMP/venv"
"$TMP/venv/bin/pip" install --quiet --upgrade pip
"$TMP/venv/bin/pip" install --quiet -r "$REPO/engine-requirements.txt" pytest==9.2.0 hypothesis==6.170.15
if "$TMP/venv/bin/python" -c "import django" 2>/dev/null; then
  echo "FAIL: django is importable in the engine-only venv" >&2
  exit 1
fi
echo "ok: django is not importable in the engine-only venv"
cd "$REPO"
PYTHONPATH="$REPO" "$TMP/venv/bin/python" -m pytest -q -p no:django -p no:cacheprovider \
  --confcutdir="$REPO/tests/engine" tests/engine "$@"
