"""幸福事集 · Happiness Fair: a community volunteer odd-jobs marketplace."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, and each part's blueprints and commands. Wiring only."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("HF_INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from .config import load_config
    from .json_provider import OrjsonProvider

    app.json = OrjsonProvider(app)
    app.config.from_mapping(load_config(app.instance_path, test_config))

    from . import assets, cli, errors, http, i18n, logs, models, versions  # noqa: F401  (models: every table)
    from .accounts import security
    from .extensions import csrf, db, limiter, migrate

    logs.init_app(app)  # first: every later hook and log line has the request id
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    http.init_app(app)
    versions.init_app(app)  # each worker's cache of public answers
    assets.init_app(app)
    cli.init_app(app)

    from . import pages
    from .accounts import api as accounts_api
    from .accounts import directory_api, family_views
    from .accounts import views as accounts_views
    from .api import base as api_base
    from .api import me as me_api  # noqa: F401  (GET /me, on the accounts' blueprint)
    from .bookings import api as bookings_api
    from .bookings import job_views
    from .bookings import views as bookings_views
    from .catalogue import api as catalogue_api
    from .catalogue import views as catalogue_views
    from .catalogue import volunteer_views
    from .concerns import api as concerns_api
    from .concerns import views as concerns_views
    from .fairs import api as fairs_api
    from .fairs import views as fairs_views
    from .followups import api as followups_api
    from .followups import views as followups_views
    from .hours import api as hours_api
    from .hours import views as hours_views
    from .notifications import api as notifications_api
    from .notifications import views as notifications_views
    from .office import api as office_api
    from .office import views as office_views
    from .office import volunteer_views as office_volunteer_views
    from .places import api as places_api
    from .teams import api as teams_api
    from .teams import views as teams_views
    from .waivers import api as waivers_api

    api_base.init_app(
        app,
        [
            accounts_api.blp,
            places_api.blp,
            catalogue_api.blp,
            bookings_api.blp,
            notifications_api.blp,
            hours_api.blp,
            waivers_api.blp,
            followups_api.blp,
            directory_api.blp,
            office_api.blp,
            fairs_api.blp,
            concerns_api.blp,
            teams_api.blp,
        ],
    )
    app.register_blueprint(pages.bp)
    app.register_blueprint(accounts_views.bp)
    app.register_blueprint(office_views.bp)
    for blueprint in (
        catalogue_views.bp,
        bookings_views.bp,
        family_views.bp,
        notifications_views.bp,
        fairs_views.bp,
        volunteer_views.bp,
        job_views.bp,
        hours_views.bp,
        office_volunteer_views.bp,
        followups_views.bp,
        concerns_views.bp,
        teams_views.bp,
    ):
        app.register_blueprint(blueprint)

    from . import privacy, web
    from .accounts import service as accounts_service
    from .bookings import access, contact, people, requote
    from .catalogue import service as catalogue_service
    from .concerns import micro_grid
    from .concerns import moving as concerns_moving
    from .fairs import service as fairs_service
    from .hours import service as hours_service
    from .notifications import service as notifications_service
    from .teams import service as teams_service

    accounts_service.init_app(
        app,
        export=privacy.export,
        erase=privacy.erase,
        earned_roles=catalogue_service.earned_roles,
    )
    notifications_service.init_app(
        app, categories=catalogue_service.categories, phones=contact.notification_phones
    )
    web.init_app(app)  # the menu's facts ride on a page's sign-in
    access.init_app(app)
    requote.init_app(app)
    people.init_app(app)
    # Reactions to a booking's moves, connected once at start-up (connecting again is a no-op).
    hours_service.init_app(app)
    fairs_service.init_app(app)
    concerns_moving.init_app(app)
    micro_grid.init_app(app)  # a closed record ends a micro-grid appointment
    teams_service.init_app(app)  # rankings by team, a volunteer's teams

    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app
