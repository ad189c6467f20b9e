#!/usr/bin/env bash
# Install ONLY the engine's requirements (+ pytest, hypothesis) in a fresh venv and run tests/engine there.
# Proves voucher_audit needs neither Django nor the web app. Extra arguments go to pytest
# (e.g. -m "not spark" for a quick run; Spark tests need Java 17). ENGINE_WITHOUT_SPARK=1 leaves pyspark
# out of the venv (a 300 MB download) when the Spark tests are not run there.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
"$PYTHON" -m venv "$TMP/venv"
"$TMP/venv/bin/pip" install --quiet --upgrade pip
REQUIREMENTS="$REPO/engine-requirements.txt"
if [ "${ENGINE_WITHOUT_SPARK:-0}" = 1 ]; then
  grep -v '^pyspark' "$REPO/engine-requirements.txt" > "$TMP/requirements.txt"
  REQUIREMENTS="$TMP/requirements.txt"
fi
"$TMP/venv/bin/pip" install --quiet -r "$REQUIREMENTS" pytest==9.2.0 hypothesis==6.170.15
if "$TMP/venv/bin/python" -c "import django" 2>/dev/null; then
  echo "FAIL: django is importable in the engine-only venv" >&2
  exit 1
fi
echo "ok: django is not importable in the engine-only venv"
cd "$REPO"
PYTHONPATH="$REPO" "$TMP/venv/bin/python" -m pytest -q -p no:django -p no:cacheprovider \
  --confcutdir="$REPO/tests/engine" tests/engine "$@"
