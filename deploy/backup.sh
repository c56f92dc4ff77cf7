#!/usr/bin/env bash
# A consistent dump of the database (pg_dump's custom format, compressed), kept BACKUP_KEEP_DAYS.
# Reads DATABASE_URL (postgresql://…) from the environment, as the systemd unit gives it.
# Restore: pg_restore --clean --if-exists --no-owner -d "$DATABASE_URL" FILE (docs/DEPLOY.md).
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must be set}"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/happiness-fair}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
url=${DATABASE_URL/postgresql+psycopg:/postgresql:}
url=${url/#postgres:/postgresql:}
umask 077
if ! mkdir -p "$BACKUP_DIR" 2>/dev/null || [ ! -w "$BACKUP_DIR" ]; then
  echo "backup: cannot write to BACKUP_DIR=$BACKUP_DIR. Under systemd the unit may write only to" \
    "its ReadWritePaths= (systemctl edit happiness-fair-backup.service); see docs/DEPLOY.md." >&2
  exit 1
fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$BACKUP_DIR/happiness-fair-$stamp.dump"
pg_dump --format=custom --compress=6 --no-owner --file="$target.part" "$url"
# A dump that pg_restore cannot read is no backup: check it before it counts.
pg_restore --list "$target.part" >/dev/null
mv "$target.part" "$target"
find "$BACKUP_DIR" -name 'happiness-fair-*.dump' -mtime +"$KEEP_DAYS" -delete
echo "backup written: $target ($(du -h "$target" | cut -f1))"
