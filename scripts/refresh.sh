#!/usr/bin/env bash
# One scheduled refresh: `horizon update`, then publish the report site to TARGET.
#
#   scripts/refresh.sh TARGET [UPDATE OPTIONS...]
#   e.g. scripts/refresh.sh /srv/www/horizon            (from cron: see scripts/refresh.cron)
#        HORIZON_OFFLINE=1 scripts/refresh.sh /tmp/site --json
#
# Only one refresh per TARGET runs at a time: a second one started while the first holds the
# lock is refused at once (exit 75, EX_TEMPFAIL) and changes nothing; cron simply tries again
# at the next slot. HORIZON_REFRESH_WAIT=SECONDS makes it wait that long for the lock instead.
#
# The site is built by `horizon update --out BUILD` (BUILD: $HORIZON_REFRESH_BUILD, default
# $HORIZON_REPORTS/site, i.e. reports/site: kept between runs so unchanged charts are not
# redrawn), checked (index.html present), then published: with rsync when installed (rsync -a
# --delete into TARGET), else copied with cp -a into a temporary directory beside TARGET and
# renamed into place, so a reader never sees a half-copied site.
#
# Environment: the usual horizon variables (HORIZON_DB, HORIZON_REPORTS, HORIZON_DATA,
# HORIZON_OFFLINE, HORIZON_CACHE); HORIZON_CMD, the command that runs horizon (default
# "horizon"); HORIZON_REFRESH_LOCK, the lock file (default .TARGET-NAME.refresh.lock beside
# TARGET). Everything is logged to stderr (the update's own report included); stdout carries
# only what `horizon update` prints with --json, so `--json > changes.json` works.
# Exit status: 0 published, 75 another refresh holds the lock, 1 anything else (one line says why).

set -uo pipefail

log() { printf 'refresh: %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
fail() { log "failed: $*"; exit 1; }

[ $# -ge 1 ] && [ -n "$1" ] || fail "usage: scripts/refresh.sh TARGET [UPDATE OPTIONS...] (TARGET: the directory to publish the site to)"
target=${1%/}
shift
[ -n "$target" ] || fail "TARGET must not be the root directory"
parent=$(dirname -- "$target")
name=$(basename -- "$target")
[ -d "$parent" ] || fail "$parent: no such directory (TARGET's parent must exist)"
[ ! -e "$target" ] || [ -d "$target" ] || fail "$target: exists and is not a directory"

lock=${HORIZON_REFRESH_LOCK:-$parent/.$name.refresh.lock}
exec 9>>"$lock" || fail "$lock: cannot open the lock file"
if [ -n "${HORIZON_REFRESH_WAIT:-}" ]; then
    flock -w "$HORIZON_REFRESH_WAIT" 9 || { log "another refresh of $target still holds $lock after ${HORIZON_REFRESH_WAIT}s; not running"; exit 75; }
else
    flock -n 9 || { log "another refresh of $target holds $lock; not running"; exit 75; }
fi

build=${HORIZON_REFRESH_BUILD:-${HORIZON_REPORTS:-reports}/site}
read -r -a horizon_cmd <<< "${HORIZON_CMD:-horizon}"

log "updating (site built in $build)"
json=0
for arg in "$@"; do [ "$arg" = "--json" ] && json=1; done
if [ "$json" = 1 ]; then
    "${horizon_cmd[@]}" update --out "$build" "$@" || fail "horizon update exited with status $?"
else
    "${horizon_cmd[@]}" update --out "$build" "$@" >&2 || fail "horizon update exited with status $?"
fi
[ -f "$build/index.html" ] || fail "$build/index.html: missing after the update; nothing published"

if command -v rsync > /dev/null 2>&1; then
    log "publishing to $target (rsync)"
    mkdir -p -- "$target" || fail "$target: cannot create it"
    rsync -a --delete -- "$build"/ "$target"/ || fail "rsync to $target exited with status $?"
else
    log "publishing to $target (copy and rename)"
    staging=$(mktemp -d "$parent/.$name.new.XXXXXX") || fail "$parent: cannot make a temporary directory"
    trap 'rm -rf -- "$staging"' EXIT
    cp -a -- "$build"/. "$staging"/ || fail "copying $build to $staging failed"
    chmod 755 "$staging" || fail "$staging: cannot set permissions"
    if [ -d "$target" ]; then
        old="$parent/.$name.old.$$"
        mv -T -- "$target" "$old" || fail "$target: cannot move the previous site aside"
        if ! mv -T -- "$staging" "$target"; then
            mv -T -- "$old" "$target"
            fail "$target: cannot rename the new site into place (previous site restored)"
        fi
        rm -rf -- "$old"
    else
        mv -T -- "$staging" "$target" || fail "$target: cannot rename the new site into place"
    fi
    trap - EXIT
fi
log "published $(find "$target" -type f | wc -l | tr -d ' ') files to $target"
