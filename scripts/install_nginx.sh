#!/usr/bin/env bash
# The reverse proxy of `make stack` and of its tests: Debian's nginx. Installs it when
# missing (without letting the package start its own server on port 80); NGINX may name
# another nginx executable.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${NGINX:-}" ] && [ -x "$NGINX" ]; then exit 0; fi
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then exit 0; fi
echo "Installation de nginx (serveur mandataire de la pile de production locale)…"
scripts/apt_install.sh nginx \
  || { echo "Installez nginx (Debian : apt-get install nginx) ou indiquez son chemin dans NGINX." >&2; exit 1; }
[ -x /usr/sbin/nginx ] || { echo "L'installation de nginx a échoué." >&2; exit 1; }
