"""The WSGI entry point: `flask --app wsgi ...`, `gunicorn wsgi:app`."""

import sys

from happiness_fair import create_app
from happiness_fair.config import ConfigError

try:
    app = create_app()
except ConfigError as err:
    # One line that says what to fix, not a traceback. Exit status 3 is gunicorn's "worker failed to
    # boot": the server stops instead of starting the worker again and again.
    print(f"Happiness Fair cannot start: {err}", file=sys.stderr)
    raise SystemExit(3) from None
