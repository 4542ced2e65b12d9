# Sourced by .ci/run: a throwaway PostgreSQL cluster on 127.0.0.1 for the store's tests.
# Installs Debian's `postgresql` when its server is missing, starts a fresh cluster in a
# temporary directory as the `postgres` user, creates a database, exports
# ERRDEX_TEST_DATABASE_URL and ERRDEX_REQUIRE_POSTGRES=1 (so the tests fail instead of
# skipping), and stops the cluster when CI exits.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/postgres" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN=$(pg_bin)
PG_DIR=$(mktemp -d /tmp/errdex-ci-pg.XXXXXX)
PG_PORT=${PG_PORT:-55432}
chown postgres "$PG_DIR"
su postgres -s /bin/sh -c "'$PG_BIN/initdb' -D '$PG_DIR/data' -A trust -U postgres >/dev/null"
su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/log' -w \
    -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR\" start >/dev/null"
trap "su postgres -s /bin/sh -c \"'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m fast stop\" >/dev/null 2>&1; rm -rf '$PG_DIR'" EXIT
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres errdex_test
export ERRDEX_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/errdex_test"
export ERRDEX_REQUIRE_POSTGRES=1
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
