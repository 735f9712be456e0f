"""The schema comes from the migrations; settings come from the instance and environment."""

from __future__ import annotations

import os
import stat

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shopper import create_app
from shopper.extensions import db


def test_migrations_create_exactly_the_models_schema(app) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path) -> None:
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    key_file = instance / "secret_key"
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_settings_come_from_instance_config_then_environment(tmp_path, monkeypatch) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "SECRET_KEY = 'from the file'\nINVITATION_DAYS = 3\nUPLOAD_FOLDER = '/file/uploads'\n"
    )
    monkeypatch.setenv("SHOPPER_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("SHOPPER_UPLOAD_FOLDER", "/env/uploads")
    monkeypatch.setenv("SHOPPER_SQLALCHEMY_DATABASE_URI", "sqlite:///" + str(tmp_path / "x.db"))
    app = create_app()
    assert app.instance_path == str(instance)
    assert app.config["SECRET_KEY"] == "from the file"
    assert app.config["INVITATION_DAYS"] == 3
    assert app.config["UPLOAD_FOLDER"] == "/env/uploads"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.db")
    assert not os.path.exists(instance / "secret_key")


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHOPPER_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/shopper.sqlite3"
