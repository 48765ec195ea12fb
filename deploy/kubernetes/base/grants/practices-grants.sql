-- What the practices service's own database user, practices_service, may do: exactly what the
-- running service and the practice import (`npm run import:practices`) need. The directory
-- changes in place: a practice is added, renamed, moved or closed (marked, never removed), so
-- rows may be added and updated, never deleted. No DELETE or TRUNCATE anywhere and no DDL: the
-- tables belong to the schema owner, who runs the migrations (PRACTICES_MIGRATION_DATABASE_URL).
--
-- Run by the schema owner after the practices migrations, in the practices schema (unqualified
-- names: the search_path's first schema; public in docker-compose.yml, where the one-shot
-- practices-grants service runs it on every `up`). It takes away whatever the role held in the
-- schema first, so after any run the role holds exactly these grants.
-- test/e2e/practices-rollout-grants.test.ts applies this very file, then proves it enough and no more.
BEGIN;

DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM practices_service', current_schema());
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM practices_service', current_schema());
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO practices_service', current_schema());
END
$$;

-- The directory: upsertPractice and the import add practices and ICBs and update them.
GRANT SELECT, INSERT, UPDATE ON practice, integrated_care_board TO practices_service;

-- The directory's data version: the trigger on every write to the directory runs as the writer
-- and gives the version a new value, so the role may read it and set that one column.
GRANT SELECT ON data_version TO practices_service;
GRANT UPDATE (version) ON data_version TO practices_service;

-- TypeORM reads which migrations have run when the service starts without a migration URL
-- (and, seeing no table it may read, would try to create one).
GRANT SELECT ON migrations TO practices_service;

COMMIT;
