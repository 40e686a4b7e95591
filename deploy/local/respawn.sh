#!/usr/bin/env bash
# `make prod`: keep one process running, as systemd's Restart=always does in a real
# deployment. honcho stops every process when one ends; a drill that kills an app instance
# (kill -9 "$(cat instance/prod/app1.pid)") must instead see it come back, so the wrapper
# starts it again a second later. SIGTERM/SIGINT (honcho stopping, Ctrl-C) stop it for good.
#   deploy/local/respawn.sh PIDFILE|- COMMAND ARGS…   (PIDFILE: the command's pid is written)
set -u
pidfile=$1
shift
stopping=0
child=0
stop() {
  stopping=1
  if [ "$child" -gt 0 ]; then kill -TERM "$child" 2>/dev/null; fi
}
trap stop TERM INT
while :; do
  "$@" &
  child=$!
  if [ "$pidfile" != - ]; then echo "$child" >"$pidfile"; fi
  wait "$child"
  status=$?
  # A trapped signal interrupts `wait`: wait again until the command has really ended.
  while kill -0 "$child" 2>/dev/null; do
    wait "$child"
    status=$?
  done
  if [ "$stopping" = 1 ]; then exit 0; fi
  echo "respawn: '$1' ended (status $status); starting it again in 1 s" >&2
  sleep 1
  if [ "$stopping" = 1 ]; then exit 0; fi
done
