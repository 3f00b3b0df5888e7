#!/usr/bin/env bash
# The reverse proxy of `make stack` and of its tests: Debian's nginx. Installs it when
# missing, without letting the package start its own server on port 80; NGINX may name
# another nginx executable.
set -euo pipefail
if [ -n "${NGINX:-}" ] && [ -x "$NGINX" ]; then exit 0; fi
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then exit 0; fi
echo "Installation de nginx (serveur mandataire de la pile de production locale)…"
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else sudo=none; fi
if [ "$sudo" = none ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "nginx est introuvable. Installez-le (Debian : apt-get install nginx) ou indiquez son chemin dans NGINX." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  # Refuse service starts during the installation only (exit 101: "action forbidden").
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get install -y --no-install-recommends nginx >/dev/null 2>&1 \
  || { $sudo apt-get update -qq && $sudo apt-get install -y --no-install-recommends nginx >/dev/null; }
[ -x /usr/sbin/nginx ] || { echo "L'installation de nginx a échoué." >&2; exit 1; }
