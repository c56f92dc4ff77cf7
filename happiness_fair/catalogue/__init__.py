"""The catalogue: categories, vetted volunteers and the services (listings) they offer."""
