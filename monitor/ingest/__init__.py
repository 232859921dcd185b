"""Ingest: the pipeline from a polled page to stored mentions and cases, and its database writes."""
