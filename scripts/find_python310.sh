#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or fails with a clear message.
# Rasa 3.6 supports Python 3.8-3.10 only; this project is pinned to 3.10.
set -u
for candidate in "${PYTHON310:-}" python3.10; do
  [ -n "$candidate" ] || continue
  if path=$(command -v "$candidate" 2>/dev/null) && "$path" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
root="${PYENV_ROOT:-$HOME/.pyenv}"
for path in "$root"/versions/3.10*/bin/python3.10; do
  if [ -x "$path" ] && "$path" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
echo "ERREUR : Python 3.10 introuvable (ni sur le PATH, ni dans $root/versions)." >&2
echo "Rasa 3.6 exige Python 3.10. Installez-le (par exemple : pyenv install 3.10) ou indiquez son chemin dans PYTHON310=/chemin/vers/python3.10." >&2
exit 1
