#!/usr/bin/env bash
# Consistent copy of the bot's SQLite database while the bot runs (SQLite's online backup API),
# kept readable by its owner only. Usage: deploy/backup.sh [DATABASE] [BACKUP_FOLDER]
set -euo pipefail
db=${1:-data/bot.db}
dest=${2:-backups}
mkdir -p "$dest"
chmod 700 "$dest"
out="$dest/bot-$(date +%Y%m%d-%H%M%S).db"
umask 077
python3 - "$db" "$out" <<'PY'
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with dst:
    src.backup(dst)
print(f"backup written: {sys.argv[2]}")
PY
