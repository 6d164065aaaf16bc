"""The Flask app factory: config, store, runner, blueprints, websocket, pages."""

from __future__ import annotations

import atexit
import logging

from flask import Flask

from .config import load_config
from .problems import register_error_handlers
from .responses import register_gzip
from .runners import make_runner
from .security import register_security
from .store import make_store
from .ws import register_ws


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app. ``test_config`` overrides defaults and ``FOLIO_*`` environment variables."""
    config = load_config(test_config)
    app = Flask(__name__, static_folder=None)
    app.config.update(config)
    app.config["SOCK_SERVER_OPTIONS"] = {
        "ping_interval": config["WS_PING_INTERVAL_S"],
        "max_message_size": config["WS_MAX_MESSAGE_BYTES"],
    }
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    store = make_store(config)
    runner = make_runner(config, store)
    app.extensions["folio.store"] = store
    app.extensions["folio.runner"] = runner

    register_error_handlers(app)
    register_security(app)
    register_gzip(app)
    from . import pages
    from .api import datasets, health, jobs, models, shares, workbooks

    for module in (health, datasets, jobs, models, workbooks, shares):
        app.register_blueprint(module.bp)
    register_ws(app)
    app.register_blueprint(pages.bp)  # last: its catch-all path must not shadow the API

    if config["START_RUNNER"]:
        runner.start()
        atexit.register(runner.stop)
    return app
