#!/usr/bin/env bash
# Starts the action server (5055) and the Rasa server (5005, REST and socket.io) with the
# embedded defaults: SQLite tracker store under var/, HTTP API off.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONPATH=. SQLALCHEMY_SILENCE_UBER_WARNING=1
mode=${1:-run}
# The pages allowed to talk to the assistant from a browser (the demo page by default).
export CQP_CORS_ORIGINS=${CQP_CORS_ORIGINS:-http://localhost:${DEMO_PORT:-8080},http://127.0.0.1:${DEMO_PORT:-8080}}
# The action server answers only Rasa: a token drawn at each start, given to both
# (endpoints.yml, bot/action_guard.py), so that no web page or other local program can run actions.
export CQP_ACTION_TOKEN=${CQP_ACTION_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))')}
mkdir -p var logs
model=$(.venv/bin/python scripts/train.py)

SANIC_HOST=127.0.0.1 .venv/bin/rasa run actions --actions bot.actions --port "${ACTION_PORT:-5055}" > logs/actions.log 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 60); do
  curl -fs "http://localhost:${ACTION_PORT:-5055}/health" >/dev/null 2>&1 && break
  kill -0 $actions_pid 2>/dev/null || { echo "Le serveur d'actions n'a pas démarré : voir logs/actions.log" >&2; exit 1; }
  sleep 1
done

if [ "$mode" = shell ]; then
  # `rasa shell` also serves Rasa's stock REST channel, over the real conversations
  # (var/tracker.db): on this machine only.
  .venv/bin/rasa shell --model "$model" --endpoints endpoints.yml \
    --interface 127.0.0.1 --port "${RASA_PORT:-5005}"
  exit
fi
.venv/bin/python scripts/serve_demo.py --port "${DEMO_PORT:-8080}" --rasa "http://localhost:${RASA_PORT:-5005}" \
  > logs/demo.log 2>&1 &
demo_pid=$!
# The retention periods the privacy page announces (dossiers, idle conversations): a pass
# now, then one a day.
.venv/bin/python scripts/housekeeping.py --every-hours 24 > logs/housekeeping.log 2>&1 &
housekeeping_pid=$!
trap 'kill $actions_pid $demo_pid $housekeeping_pid 2>/dev/null || true' EXIT INT TERM

cat <<MSG
L'assistant démarre (modèle $model).
  REST      : POST http://localhost:${RASA_PORT:-5005}/webhooks/rest/webhook  {"sender": "moi", "message": "Bonjour"}
  Démo      : http://localhost:${DEMO_PORT:-8080}/  (la fenêtre de discussion, en bas à droite)
  socket.io : http://localhost:${RASA_PORT:-5005}/socket.io  (origines admises : $CQP_CORS_ORIGINS)
  Actions   : http://localhost:${ACTION_PORT:-5055} (journal : logs/actions.log)
Arrêt : Ctrl+C.
MSG
.venv/bin/rasa run --model "$model" --endpoints endpoints.yml --credentials credentials.yml \
  --interface "${RASA_INTERFACE:-127.0.0.1}" --port "${RASA_PORT:-5005}" --cors ${CQP_CORS_ORIGINS//,/ }
