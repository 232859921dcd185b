"""The background worker: the schedule (scheduler) and the answer-side jobs it runs (jobs)."""
