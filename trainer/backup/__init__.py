"""Backups of an instance (its database, signing keys and audit checkpoints), encrypted, and their restore."""
