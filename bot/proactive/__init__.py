"""Proactive alerts: the sender that drains the outbox within Teams' limits, and its worker."""
