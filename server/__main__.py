"""``python -m server``: serve Folio (contract section 5).

Serves with gunicorn's threaded worker (one process, many threads: each websocket holds a thread),
because Werkzeug's development server mangles websocket close frames. One web process owns the
embedded runner's worker pool; Ctrl-C or SIGTERM stops it cleanly and the next start finds every
job where it was.
"""

from __future__ import annotations

import argparse
import sys


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m server", description="Serve Folio.")
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "worker"],
                        help="serve the API and pages (default), or run a Celery worker")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data-dir", default=None, help="where jobs, models and results live")
    parser.add_argument("--runner", choices=["embedded", "celery"], default=None)
    parser.add_argument("--redis", default=None, help="redis://HOST:PORT/0 for the celery runner")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes of the embedded runner (default 2)")
    parser.add_argument("--threads", type=int, default=64, help="web threads (one per websocket)")
    parser.add_argument("--web-workers", type=int, default=1,
                        help="gunicorn worker processes (celery runner only: embedded keeps one)")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="worker: pool processes of this Celery worker (default: --workers or 2)")
    parser.add_argument("--name", default=None, help="worker: Celery node name (default folio-PID@HOST)")
    parser.add_argument("--certfile", default=None, help="serve HTTPS with this certificate")
    parser.add_argument("--keyfile", default=None)
    return parser.parse_args(argv)


def build_overrides(args: argparse.Namespace) -> dict:
    overrides = {}
    if args.data_dir:
        overrides["DATA_DIR"] = args.data_dir
    if args.runner:
        overrides["RUNNER"] = args.runner
    if args.redis:
        overrides["REDIS_URL"] = args.redis
    if args.workers:
        overrides["WORKERS"] = args.workers
    return overrides


def serve(args: argparse.Namespace) -> None:
    from gunicorn.app.base import BaseApplication

    overrides = build_overrides(args)
    from server.config import load_config

    celery = load_config(overrides)["RUNNER"] == "celery"
    # The embedded runner's pool and hub live in the one web process; with Celery the web
    # processes keep no job state, so any number of them answer the same.
    web_workers = max(1, args.web_workers) if celery else 1

    class FolioServer(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"{args.host}:{args.port}", "workers": web_workers, "worker_class": "gthread",
                "threads": args.threads, "timeout": 120, "graceful_timeout": 10,
                # gunicorn closes an idle keep-alive connection after 2 s by default; a client that
                # polls every second or so on a loaded machine then sends on a socket the server
                # is closing and gets "connection reset" (seen in test_load at load average 15)
                "keepalive": 15,
                "accesslog": "-", "errorlog": "-", "loglevel": "info",
                "worker_exit": _stop_runner, "control_socket_disable": True,
            }
            if args.certfile:
                options.update(certfile=args.certfile, keyfile=args.keyfile)
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from server.app import create_app

            global _app
            _app = create_app(overrides)
            _warm_demo_workbook(_app)
            return _app

    FolioServer().run()


_app = None


def _warm_demo_workbook(app) -> None:
    """Build the demo workbook in the background at start, so a first visitor's "Load the demo"
    does not wait the ~2.5 s it takes to generate."""
    import threading

    from server.api.workbooks import ensure_demo_workbook

    root = app.extensions["folio.store"].root
    threading.Thread(target=ensure_demo_workbook, args=(root,), name="folio-demo-warm",
                     daemon=True).start()


def _stop_runner(server, worker) -> None:
    """gunicorn hook in the worker process: stop the job runner before the process exits."""
    if _app is not None:
        _app.extensions["folio.runner"].stop()


def worker(args: argparse.Namespace) -> int:
    """``python -m server worker --redis URL``: one Celery worker (prefork pool) plus the reaper."""
    import os
    import socket

    from server.config import load_config

    config = load_config({**build_overrides(args), "RUNNER": "celery"})
    if not config.get("REDIS_URL"):
        print("python -m server worker needs --redis redis://HOST:PORT/0", file=sys.stderr)
        return 2
    from server.celery_app import Reaper, make_celery, worker_life
    from server.store import make_store

    app = make_celery(config)
    reaper = Reaper(worker_life(app, make_store(config))).start()  # reaps even when no web node is up
    concurrency = args.concurrency or config["WORKERS"]
    name = args.name or f"folio-{os.getpid()}@{socket.gethostname()}"
    try:
        app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={concurrency}",
                         "--pool=prefork", "-n", name, "-Q", config["CELERY_QUEUE"],
                         "--without-gossip", "--without-mingle"])
    finally:
        reaper.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "worker":
        return worker(args)
    serve(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
