#!/usr/bin/env bash
# The browser of the widget's end-to-end tests: Debian's chromium (Playwright cannot download
# its own here). Installs it when missing; CHROMIUM may name another Chromium executable.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "Installation de Chromium pour les tests de la fenêtre de discussion…"
scripts/apt_install.sh chromium \
  || { echo "Installez Chromium (Debian : apt-get install chromium) ou indiquez son chemin dans CHROMIUM." >&2; exit 1; }
command -v chromium >/dev/null 2>&1 || { echo "L'installation de Chromium a échoué." >&2; exit 1; }
