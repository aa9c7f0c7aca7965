"""The rules of the insights module: dashboards, documents and the letterhead."""
