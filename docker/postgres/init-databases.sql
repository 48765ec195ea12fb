-- Mounted into /docker-entrypoint-initdb.d by docker-compose.yml: PostgreSQL runs it once, as
-- POSTGRES_USER, when its data volume is first initialised (never again on later starts; to
-- re-run it, remove the volume: `docker compose down --volumes`).
--
-- One database per subgraph, as each owns its data; each subgraph's migrations create its
-- tables when it starts. test/unit/docker-compose.test.ts checks that these are exactly the
-- databases the subgraphs' *_DATABASE_URL variables name.
CREATE DATABASE practices;
CREATE DATABASE rollout;
CREATE DATABASE records;
