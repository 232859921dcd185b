"""The review-queue web app: routes, pages and their helpers (FastAPI)."""
