"""Storage: the schema (models, column types), the engine and sessions, dialect-aware INSERTs.

Migrations live in monitor/migrations; the ingest side's writes in monitor.ingest.writes.
"""
