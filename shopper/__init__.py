"""The mystery-shopper field reporting tool."""

from __future__ import annotations

import os

from flask import Flask

from shopper.config import load_settings

PACKAGE = os.path.dirname(os.path.abspath(__file__))


def template_folder() -> str:
    """Where the page templates are: inside the package when installed from a wheel.

    A checkout (and an editable install) keeps them in ``templates/`` at the
    repository root; building a wheel copies that folder into the package as
    ``shopper/templates`` (see ``setup.py``), so an installed package stands alone.
    """
    packaged = os.path.join(PACKAGE, "templates")
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(PACKAGE), "templates")


def create_app(test_config: dict[str, object] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, error pages, commands."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "SHOPPER_INSTANCE_PATH"
    )
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
        template_folder=template_folder(),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    load_settings(app, test_config)

    from shopper import (
        access,
        api,
        assignments,
        auth,
        checklists,
        cli,
        database,
        errors,
        field,
        i18n,
        main,
        navigation,
        people,
        reports,
        request_limits,
        security,
        stores,
        visits,
    )
    from shopper.extensions import compress, csrf, db, limiter, login_manager, migrate
    from shopper.field import assets
    from shopper.models.base import render_migration_item

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(__file__), "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    compress.init_app(app)
    assets.init_app(app)
    # One limiter serves every app this process makes (the tests make many):
    # each takes its default and application limits from its own settings.
    limiter.limit_manager.set_default_limits([])
    limiter.limit_manager.set_application_limits([])
    limiter.init_app(app)
    access.init_app(app, login_manager)
    i18n.init_app(app)
    navigation.init_app(app)
    security.init_app(app)
    request_limits.init_app(app)

    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(checklists.bp)
    app.register_blueprint(stores.bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(assignments.bp)
    app.register_blueprint(visits.bp)
    app.register_blueprint(field.bp)
    app.register_blueprint(reports.bp)
    api.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
