"""Recovery cases: the actions on a case, its lifecycle, the review queue's queries, reports."""
