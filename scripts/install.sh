#!/usr/bin/env bash
# Creates .venv on Python 3.10 with the pinned packages. Re-runs only when one of its
# requirements files changed (the stamp records their hash; requirements/load*.txt belong
# to the load tester's own .venv-load).
set -euo pipefail
cd "$(dirname "$0")/.."

# The widget has its own stamp: a change of web/ rebuilds it without reinstalling Python.
scripts/build_widget.sh

stamp=.venv/.installed
wanted=$(cat requirements/runtime.txt requirements/test.txt requirements/lock.txt | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x .venv/bin/python ]; then
  exit 0
fi

python=$(scripts/find_python310.sh)
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
  echo "Création de l'environnement .venv avec $python"
  rm -rf .venv
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade "pip==24.0"
echo "Installation des dépendances (la première fois, quelques minutes)…"
.venv/bin/python -m pip install --quiet -r requirements/test.txt -c requirements/lock.txt
echo "$wanted" > "$stamp"
echo "Environnement prêt : .venv"
