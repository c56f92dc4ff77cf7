"""Volunteers, their vetting, listings and the public catalogue (PRODUCT.md "The catalogue")."""
