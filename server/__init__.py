"""Folio's web server: a thin Flask app over the engine, with a job runner behind one interface."""

from .app import create_app

__all__ = ["create_app"]
