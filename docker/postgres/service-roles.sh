#!/bin/sh
# Mounted into /docker-entrypoint-initdb.d by docker-compose.yml, after init-databases.sql, so
# PostgreSQL runs it once, when its data volume is first initialised: each subgraph's own login
# role, <name>_service, with its password from <NAME>_SERVICE_PASSWORD, which may connect to its
# own database and no other. It holds next to nothing yet; the one-shot <name>-grants service
# grants it docker/postgres/<name>-grants.sql once that subgraph's migrations have made the
# tables. (On a volume made before this script, run the statements by hand:
# `docker compose exec postgres psql -U citizen -d <name>`.)
set -e

# create_role NAME PASSWORD READS_AT_START. READS_AT_START=true lets the role read the tables the
# owner creates in its database until the grants file replaces that with exact grants: practices
# and rollout check their data version as that role before they report healthy, which the
# grants wait for. (Records reads nothing of its own at start, and gets nothing by default.)
create_role() {
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$1" \
    --set role="$1_service" --set password="$2" --set reads_at_start="$3" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
SELECT current_database() AS database \gset
REVOKE CONNECT ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"role";
\if :reads_at_start
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO :"role";
\endif
SQL
}

create_role practices "$PRACTICES_SERVICE_PASSWORD" true
create_role rollout "$ROLLOUT_SERVICE_PASSWORD" true
create_role records "$RECORDS_SERVICE_PASSWORD" false
