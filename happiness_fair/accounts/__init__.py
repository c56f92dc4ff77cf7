"""Accounts: people who sign in, the residents they are and manage, staff and their grids."""
