"""makegood's listening half: sources, matching, scoring, severity, storage, ingest."""
