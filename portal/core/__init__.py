"""Building blocks every domain module uses: errors, access rules, tenancy, pagination."""
