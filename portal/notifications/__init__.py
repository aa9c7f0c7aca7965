"""Notifications: an in-app list and e-mails, immediately or as a daily digest."""
