#!/usr/bin/env bash
# The browser of the widget's end-to-end tests: Debian's chromium (Playwright cannot download
# its own here). Installs it when missing; CHROMIUM may name another Chromium executable.
set -euo pipefail
if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "Installation de Chromium pour les tests de la fenêtre de discussion…"
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else sudo=none; fi
if [ "$sudo" = none ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium est introuvable. Installez-le (Debian : apt-get install chromium) ou indiquez son chemin dans CHROMIUM." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
  || { $sudo apt-get update -qq && $sudo apt-get install -y --no-install-recommends chromium >/dev/null; }
command -v chromium >/dev/null 2>&1 || { echo "L'installation de Chromium a échoué." >&2; exit 1; }
