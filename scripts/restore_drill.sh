#!/usr/bin/env bash
# The restore drill (docs/OPERATIONS.md, "Backups"): back up the running portal, restore the
# backup into a FRESH database and a FRESH bucket (or directory), verify the restored copy
# against the backup's manifest — table counts, and every file's size and SHA-256 against
# its rows — then remove the restored copy.
#
#   scripts/restore_drill.sh [ENV_FILE]
#
# ENV_FILE: the portal's environment (default: instance/prod/portal.env, written by
# `make prod`, if present; otherwise the DATABASE_URL and STORAGE_URL already exported).
# KEEP=1 keeps the backup directory and the restored database and store for inspection.
# DRILL_DIR chooses where the backup is written (default: a new temporary directory).
# Exit status 0 only when the restored copy verified.
set -euo pipefail
cd "$(dirname "$0")/.."

env_file=${1:-instance/prod/portal.env}
if [[ -f $env_file ]]; then
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
    echo "Môi trường: $env_file"
elif [[ $# -gt 0 ]]; then
    echo "Không có tệp môi trường $env_file" >&2
    exit 2
fi
: "${DATABASE_URL:?DATABASE_URL is not set (give the portal's env file)}"
: "${STORAGE_URL:?STORAGE_URL is not set (give the portal's env file)}"

python=${PYTHON:-.venv/bin/python}
export FLASK_APP=${FLASK_APP:-wsgi:app} PYTHONPATH=${PYTHONPATH:-$PWD}
flask() { "$python" -m flask "$@"; }
drill() { "$python" -m portal.ops.drill "$@"; }

stamp=$(date -u +%Y%m%d%H%M%S)
workdir=${DRILL_DIR:-$(mktemp -d -t restore-drill.XXXXXX)}
mkdir -p "$workdir"
backup="$workdir/backup-$stamp"
restore_db="" restore_store=""

cleanup() {
    if [[ ${KEEP:-0} == 1 ]]; then
        echo "Giữ lại (KEEP=1): $backup và bản khôi phục *restore*$stamp"
        return
    fi
    [[ -z $restore_db ]] || drill cleanup "$restore_db" "$restore_store" || true
    rm -rf "$backup"
    [[ -n ${DRILL_DIR:-} ]] || rm -rf "$workdir"
}
trap cleanup EXIT

echo "== 1. Sao lưu hệ thống đang chạy → $backup"
flask backup create "$backup"

echo "== 2. Khôi phục vào cơ sở dữ liệu và kho mới (…restore…$stamp)"
# The URLs carry credentials: kept in variables, never echoed.
restored=$(drill prepare "$DATABASE_URL" "$STORAGE_URL" "$stamp" "$workdir")
restore_db=$(sed -n 1p <<<"$restored")
restore_store=$(sed -n 2p <<<"$restored")
flask backup restore "$backup" --database-url "$restore_db" --storage-url "$restore_store"

echo "== 3. Kiểm tra bản khôi phục với manifest"
DATABASE_URL=$restore_db STORAGE_URL=$restore_store \
    flask backup verify --manifest "$backup/manifest.json"

echo "== Diễn tập khôi phục thành công ($stamp): số dòng từng bảng khớp manifest, every file's checksum matched."
