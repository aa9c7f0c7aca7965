"""Accounts: municipalities, users, roles and org units; log-in and passwords."""
