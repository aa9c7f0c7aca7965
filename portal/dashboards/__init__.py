"""Dashboards: the start page that shows each role what waits for it."""
