-- The functions' own database users and exactly the privileges their code needs. Applied by the
-- migration runner as the schema owner (on RDS: the master user, credentials from the RDS-managed
-- secret; functions/README.md "Migrations and database roles"). Idempotent: roles that already
-- exist (e.g. created by hand before this migration) are reused, grants are additive.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'smartstack_api') THEN
        CREATE ROLE smartstack_api LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'smartstack_ai') THEN
        CREATE ROLE smartstack_ai LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
    -- RDS: log in with IAM tokens (rds-db:connect) only; no password is ever set for these roles.
    -- rds_iam exists only on RDS, so a local PostgreSQL skips this.
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam') THEN
        GRANT rds_iam TO smartstack_api, smartstack_ai;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO smartstack_api, smartstack_ai', current_database());
END
$$;

-- Nobody but the owner creates objects in public (the PostgreSQL 15+ default, made explicit).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO smartstack_api, smartstack_ai;

-- API: tasks and jobs, read and write; no DELETE (no route deletes), no AI results, no DDL.
GRANT SELECT, INSERT, UPDATE ON tasks, processing_jobs TO smartstack_api;
-- Lets the API's migration-status admin action list pending migrations (it cannot apply them).
GRANT SELECT ON schema_migrations TO smartstack_api;

-- AI: its own results, and only the columns that tie a job to its task's owner.
GRANT SELECT, INSERT ON ai_results TO smartstack_ai;
GRANT SELECT (id, task_id) ON processing_jobs TO smartstack_ai;
GRANT SELECT (id, owner_id) ON tasks TO smartstack_ai;
