#!/bin/sh
# One-shot (temporalio/admin-tools): creates or upgrades Temporal's two PostgreSQL databases.
# Safe to run on every `docker compose up`: existing databases are kept and only upgraded.
set -eu
: "${POSTGRES_SEEDS:=postgresql}" "${DB_PORT:=5432}" "${POSTGRES_USER:=temporal}"
export SQL_PASSWORD="${POSTGRES_PWD}"

echo "waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT} …"
until nc -z "${POSTGRES_SEEDS}" "${DB_PORT}"; do sleep 1; done

sql() { temporal-sql-tool --plugin postgres12 --ep "${POSTGRES_SEEDS}" -u "${POSTGRES_USER}" -p "${DB_PORT}" "$@"; }
for db in temporal temporal_visibility; do
  sql --db "$db" create || echo "database $db exists"
done
# setup-schema only creates the version table on a fresh database (it may complain on a second
# run); update-schema then brings either database to the image's version and fails loudly.
sql --db temporal setup-schema -v 0.0 || true
sql --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
sql --db temporal_visibility setup-schema -v 0.0 || true
sql --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo "Temporal schema is up to date"
