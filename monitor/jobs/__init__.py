"""Scheduled jobs of the listening side: one module a job, plus the context they share.

Job functions take only picklable arguments (the config path and a channel key) because the
scheduler stores them in the database; each process loads its settings and engine once and
caches them (`context`). Every job claims a lease first (`monitor.leases.held`), so several
workers firing the same job do the work once, and a worker that died mid-job is replaced when
its lease expires.

- `context`: the cached settings, database and pipeline; this worker's id; channel lookup.
- `polling`: poll one channel, draining full pages.
- `incidents`: the spike and viral-post watch that opens incidents.
- `refresh`: re-read the engagement of open negative mentions (`monitor.refresh`).
"""
