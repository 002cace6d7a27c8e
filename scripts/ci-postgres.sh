#!/usr/bin/env bash
# Start (or reuse) a local PostgreSQL listening on 127.0.0.1 and print a SQLAlchemy URL for the hub tests.
set -euo pipefail
PORT=${EP_PG_PORT:-55432}
DIR=${EP_PG_DIR:-/tmp/enrollpoint-pg}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$BIN" ] || exit 1
RUN_AS=()
if [ "$(id -u)" = 0 ]; then RUN_AS=(runuser -u postgres --); fi
if ! "${RUN_AS[@]}" "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q 2>/dev/null; then
  rm -rf "$DIR"; mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  "${RUN_AS[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres -A trust >/dev/null
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off" start >/dev/null
fi
"${RUN_AS[@]}" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qtc \
  "SELECT 1 FROM pg_database WHERE datname='enrollpoint_test'" | grep -q 1 ||
  "${RUN_AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres enrollpoint_test
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/enrollpoint_test"
