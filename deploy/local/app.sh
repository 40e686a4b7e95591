#!/usr/bin/env bash
# `make prod`: app instance N on 127.0.0.1:PORT (gunicorn, deploy/gunicorn.conf.py), its pid
# in instance/prod/appN.pid and its prometheus_client multiprocess files in
# instance/prod/metrics-appN, emptied at every start (a restarted instance's old files would
# be summed with the new ones).   deploy/local/app.sh N PORT
set -euo pipefail
n=$1
port=$2
metrics=$PWD/instance/prod/metrics-app$n
rm -rf "$metrics"
mkdir -p "$metrics"
export PROMETHEUS_MULTIPROC_DIR=$metrics GUNICORN_PROC_NAME=portal-app$n
exec .venv/bin/gunicorn -c deploy/gunicorn.conf.py --bind "127.0.0.1:$port" \
  --pid "instance/prod/app$n.pid" wsgi:app
