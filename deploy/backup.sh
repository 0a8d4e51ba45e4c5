#!/usr/bin/env bash
# Dated backup of the bot's database with `bot.py backup` (SQLite's online backup, checked, mode 0600;
# safe while the bot runs), then only the newest KEEP backups of the folder are kept.
# deploy/pilkada-bot-backup.timer runs it daily; run it from the bot's folder (settings as for the
# bot: the environment, BOT_ENV_FILE or .env). Usage: deploy/backup.sh [BACKUP_FOLDER] [KEEP]
set -euo pipefail
dest=${1:-backups}
keep=${2:-14}
python=${PYTHON:-.venv/bin/python}
if ! [[ $keep =~ ^[1-9][0-9]*$ ]]; then
  echo "KEEP: $keep is not a number of backups to keep (1 or more)" >&2
  exit 2
fi
if [[ ! -d $dest ]]; then
  echo "backup folder $dest does not exist: sudo install -d -m 700 -o pilkada-bot -g pilkada-bot $dest" >&2
  exit 2
fi
"$python" bot.py backup --out "$dest/bot-$(date +%Y%m%d-%H%M%S).db"
# Only names this script writes, newest first (the names sort by time); all after the first KEEP go.
find "$dest" -maxdepth 1 -type f -name 'bot-[0-9]*-[0-9]*.db' -printf '%f\n' | sort -r | tail -n +$((keep + 1)) |
  while read -r old; do
    rm -f -- "$dest/$old"
    echo "removed old backup $dest/$old"
  done
