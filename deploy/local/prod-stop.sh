#!/usr/bin/env bash
# `make prod-stop`: stop what `make prod` started — honcho and its processes (nginx, app1,
# app2, worker, gateway), then the S3 store it started (with moto, its files are gone).
# PostgreSQL and Redis are shared engines and stay up.
set -u
cd "$(dirname "$0")/../.."
for name in honcho s3; do
  pidfile=instance/prod/$name.pid
  [ -s "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    echo "make prod-stop: stopping $name (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$pidfile"
done
