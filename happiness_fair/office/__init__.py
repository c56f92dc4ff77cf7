"""The community office: its calendar, overdue jobs, certificates, audit log and dashboard."""
