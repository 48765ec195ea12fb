-- What the rollout service's own database user, rollout_service, may do: exactly what the
-- running service and the schedule import (through the API) need. The rollout history is the
-- record of who switched a practice on, paused or resumed it and when: append-only, so the role
-- may read it and add events, never change or remove one. No UPDATE, DELETE or TRUNCATE on it
-- and no DDL: the tables belong to the schema owner, who runs the migrations
-- (ROLLOUT_MIGRATION_DATABASE_URL).
--
-- Run by the schema owner after the rollout migrations, in the rollout schema (unqualified
-- names: the search_path's first schema; public in docker-compose.yml, where the one-shot
-- rollout-grants service runs it on every `up`). It takes away whatever the role held in the
-- schema first, so after any run the role holds exactly these grants.
-- test/e2e/practices-rollout-grants.test.ts applies this very file, then proves it enough and no more.
BEGIN;

DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM rollout_service', current_schema());
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM rollout_service', current_schema());
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO rollout_service', current_schema());
END
$$;

-- Append-only, and the sequence its ids come from.
GRANT SELECT, INSERT ON rollout_event TO rollout_service;
GRANT USAGE ON SEQUENCE rollout_event_id_seq TO rollout_service;

-- The history's data version: the trigger on every append runs as the writer and gives the
-- version a new value, so the role may read it and set that one column.
GRANT SELECT ON data_version TO rollout_service;
GRANT UPDATE (version) ON data_version TO rollout_service;

-- TypeORM reads which migrations have run when the service starts without a migration URL
-- (and, seeing no table it may read, would try to create one).
GRANT SELECT ON migrations TO rollout_service;

COMMIT;
