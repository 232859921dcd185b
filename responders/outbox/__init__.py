"""The outbox: a claim-once queue of things to send, and one sender module per kind."""
