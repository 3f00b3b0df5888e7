#!/usr/bin/env bash
# Builds web/dist/cqp-widget.js (the widget with its socket.io client inside) with the pinned
# npm packages of web/package-lock.json. Re-runs only when the sources or the lock changed.
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Node.js (18 ou plus) et npm sont nécessaires pour construire la fenêtre de discussion (web/)." >&2
  echo "Installez-les, par exemple : apt-get install nodejs npm ; puis relancez la commande." >&2
  exit 1
fi
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
  echo "Node.js $(node --version) est trop ancien : il faut la version 18 ou plus." >&2
  exit 1
fi

wanted=$(cat package.json package-lock.json src/* | sha256sum | cut -c1-16)
if [ -f dist/.built ] && [ "$(cat dist/.built)" = "$wanted" ] && [ -f dist/cqp-widget.js ]; then
  exit 0
fi
echo "Construction de la fenêtre de discussion (web/)…"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
echo "$wanted" > dist/.built
