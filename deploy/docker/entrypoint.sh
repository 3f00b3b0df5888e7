#!/usr/bin/env bash
# The roles of the image (deploy/docker/Dockerfile). NOT TESTED HERE in a container (the
# machine it was written on has no Docker engine): each role was run there from a checkout,
# with the image's environment, on a read-only root file system. The commands are those of
# scripts/stack.py with the container's addresses.
#
#   rasa      the Rasa server on :5005 (deploy/endpoints.yml, deploy/credentials.yml, HTTP API off)
#   actions   the action server on :5055
#   demo      the demo page on :8080, pointing the widget at CQP_PUBLIC_URL
#   migrate   creates or updates the dossier tables (python -m dossiers migrate), then exits
#   anything else is run as given, e.g. `python -m dossiers list`
set -euo pipefail
# The project's root: /app in the image.
cd "$(dirname "$0")/../.."

role=${1:-rasa}
[ $# -gt 0 ] && shift

case "$role" in
  rasa)
    : "${CQP_WIDGET_SECRET:?CQP_WIDGET_SECRET manque : la clé qui signe les conversations (au moins 32 caractères, la même sur chaque serveur Rasa).}"
    : "${CQP_CORS_ORIGINS:?CQP_CORS_ORIGINS manque : les sites autorisés à ouvrir la fenêtre de discussion, séparés par des virgules.}"
    : "${CQP_ACTION_TOKEN:?CQP_ACTION_TOKEN manque : le jeton que Rasa présente aux serveurs d’actions (au moins 32 caractères, le même partout).}"
    # One --cors argument per origin, as scripts/run.sh and scripts/stack.py pass them.
    IFS=',' read -r -a origins <<< "${CQP_CORS_ORIGINS// /}"
    exec rasa run --model models --endpoints deploy/endpoints.yml --credentials deploy/credentials.yml \
      --interface 0.0.0.0 --port "${RASA_PORT:-5005}" --cors "${origins[@]}" "$@"
    ;;
  actions)
    # It answers only requests with this token (bot/action_guard.py, loaded through
    # rasa_sdk_plugins/), and stops at start-up without one.
    : "${CQP_ACTION_TOKEN:?CQP_ACTION_TOKEN manque : le jeton que Rasa présente aux serveurs d’actions (au moins 32 caractères, le même partout).}"
    # rasa_sdk reads its address from SANIC_HOST.
    export SANIC_HOST="${SANIC_HOST:-0.0.0.0}"
    exec rasa run actions --actions bot.actions --port "${ACTIONS_PORT:-5055}" "$@"
    ;;
  demo)
    : "${CQP_PUBLIC_URL:?CQP_PUBLIC_URL manque : l’adresse publique de l’assistant (celle de nginx), pour la page de démonstration.}"
    exec python scripts/serve_demo.py --host 0.0.0.0 --port "${DEMO_PORT:-8080}" --rasa "$CQP_PUBLIC_URL" "$@"
    ;;
  migrate)
    : "${CQP_DOSSIERS_URL:?CQP_DOSSIERS_URL manque : l’adresse SQLAlchemy de la base des dossiers.}"
    exec python -m dossiers migrate --url "$CQP_DOSSIERS_URL"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
