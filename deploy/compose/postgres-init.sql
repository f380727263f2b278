-- Runs once, when the PostgreSQL volume is created (docker-entrypoint-initdb.d).
-- Local development credentials only; Kubernetes takes its URLs from Secrets.
create role signals login password 'signals';
create database signals owner signals;

-- ReachGraph: the migration job connects as the owner; the service as a non-owner role that
-- cannot bypass row-level security (the migration grants it what it needs).
create role reachgraph login password 'reachgraph';
create database reachgraph owner reachgraph;
create role reachgraph_app login password 'reachgraph_app' nosuperuser nobypassrls noinherit;
