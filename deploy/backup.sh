#!/usr/bin/env bash
# Dated backup of the bot's database with `bot.py backup` (SQLite's online backup, checked, mode 0600;
# safe while the bot runs), then only the newest KEEP backups of the folder are kept.
# The file is named by the election's local time and zone: bot-2027-11-26T0230WIB.db. Backups named
# by older releases in the server's time (bot-20271125-193000.db) count too: age is the files' time.
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
"$python" bot.py backup --out "$dest"
# Only names this script writes (both forms), newest first by modification time, which the two forms'
# names do not sort by together; all after the first KEEP go.
find "$dest" -maxdepth 1 -type f -name 'bot-[0-9]*-[0-9]*.db' -printf '%T@ %f\n' | sort -rn | tail -n +$((keep + 1)) |
  cut -d ' ' -f 2- | while read -r old; do
    rm -f -- "$dest/$old"
    echo "removed old backup $dest/$old"
  done
