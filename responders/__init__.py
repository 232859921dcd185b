"""makegood's answering half: drafting, publishing, recovery cases, alerts, reports, web."""
