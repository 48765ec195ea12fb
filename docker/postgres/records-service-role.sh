#!/bin/sh
# Mounted into /docker-entrypoint-initdb.d by docker-compose.yml, after init-databases.sql, so
# PostgreSQL runs it once, when its data volume is first initialised: the records service's own
# login role, with its password from RECORDS_SERVICE_PASSWORD. It holds nothing yet; the one-shot
# records-grants service grants it docker/postgres/records-grants.sql once the records
# migrations have made the tables. (On a volume made before this script, run the CREATE ROLE by
# hand: `docker compose exec postgres psql -U citizen -d postgres`.)
set -e
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
  --set password="$RECORDS_SERVICE_PASSWORD" <<'SQL'
CREATE ROLE records_service LOGIN PASSWORD :'password';
SQL
