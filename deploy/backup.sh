#!/bin/sh
# Nightly backup of one participation node (README, "Backups and restore"), run as root:
#   /srv/participation/deploy/backup.sh backup-host:/backups/participation
# The database first (a file the database names is then always in the copy), then both file
# stores, all to TARGET (an rsync destination: host:/path, or a mounted folder). Local dumps
# older than KEEP_DAYS (default 30) are deleted; prune TARGET with the same retention there.
set -eu
cd /  # postgres cannot enter root's home, where cron starts
target=${1:?"usage: backup.sh TARGET (e.g. backup-host:/backups/participation)"}
keep_days=${KEEP_DAYS:-30}
dumps=/var/backups/participation

install -d -o postgres -m 0700 "$dumps"
dump="$dumps/db-$(date +%F).dump"
# Written under a temporary name: a dump cut short never looks like a good one.
sudo -u postgres pg_dump --format=custom --file="$dump.part" participation
mv "$dump.part" "$dump"
find "$dumps" -name 'db-*.dump' -mtime +"$keep_days" -delete

rsync -a "$dumps/" "$target/db/"
rsync -a --delete /srv/participation/media/ "$target/media/"
rsync -a --delete /srv/participation/private/ "$target/private/"
echo "backup OK: $dump and both file stores to $target"
