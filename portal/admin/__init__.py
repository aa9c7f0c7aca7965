"""Administration: users, their roles and org units."""
