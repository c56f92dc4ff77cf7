"""The community office: its calendar, overdue jobs, certificates, audit log and dashboard; and a
volunteer's own hours page, which shows the certificates he asked for (volunteer_views.py)."""
