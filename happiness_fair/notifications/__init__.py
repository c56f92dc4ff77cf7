"""In-app notifications: kept as records, rendered in the reader's language when read."""
