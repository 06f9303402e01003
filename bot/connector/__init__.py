"""Talking to Microsoft: authentication, signing keys, pooled connector clients, SDK patches."""
