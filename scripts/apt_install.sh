#!/usr/bin/env bash
# Installs Debian packages the tests or the local stack need: apt-get install PACKAGE..., as
# root or through sudo, with an update and a second try when the package lists are stale,
# and no service started by the installation (a package's own server on port 80, say).
set -euo pipefail
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else sudo=none; fi
if [ "$sudo" = none ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Impossible d'installer $* ici (ni apt-get ni droits d'administration) : installez-les vous-même." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  # Refuse service starts during the installation only (exit 101: "action forbidden").
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 \
  || { $sudo apt-get update -qq && $sudo apt-get install -y --no-install-recommends "$@" >/dev/null; }
