"""The WSGI entry point: `flask --app wsgi ...`, `gunicorn wsgi:app`."""

from happiness_fair import create_app

app = create_app()
