-- What the records service's own database user, records_service, may do: exactly what the
-- running service needs. The access log, the change log and the exclusion history are
-- append-only: it may read them and add rows, never change or remove one. No DELETE or
-- TRUNCATE anywhere, and no DDL: the tables belong to the schema owner, who runs the
-- migrations (RECORDS_MIGRATION_DATABASE_URL).
--
-- Run by the schema owner after the records migrations, in the records schema (unqualified
-- names: the search_path's first schema; public in docker-compose.yml, where the one-shot
-- records-grants service runs it on every `up`). It takes away whatever the role held in the
-- schema first, so after any run the role holds exactly these grants.
-- test/e2e/records-grants.test.ts applies this very file, then proves it enough and no more.
BEGIN;

DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM records_service', current_schema());
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM records_service', current_schema());
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO records_service', current_schema());
END
$$;

-- Rows that change: a patient moves practice; an entry is filed or hidden; an app is approved
-- again or revoked; an app's rate-limit buckets (the app's, each patient's) are refilled and taken
-- from; a refused-attempt counter starts a window or counts on.
GRANT SELECT, INSERT, UPDATE ON patient, record_entry, approved_app, app_rate_limit, app_patient_rate_limit, attempt_counter TO records_service;

-- Append-only, and the sequences their ids come from. An app's trusted operations are replaced
-- by a new list beside the old (approved_app.operation_list names the one in force).
GRANT SELECT, INSERT ON exclusion_event, access_log, change_log, trusted_operation TO records_service;
GRANT USAGE ON SEQUENCE exclusion_event_id_seq, access_log_id_seq, change_log_id_seq TO records_service;

-- TypeORM reads which migrations have run when the service starts without a migration URL
-- (and, seeing no table it may read, would try to create one).
GRANT SELECT ON migrations TO records_service;

COMMIT;
