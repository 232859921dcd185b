"""Alerts: high-severity, spike and channel alerts turned into messages, and the daily digest."""
