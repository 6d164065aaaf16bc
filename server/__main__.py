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

    class FolioServer(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"{args.host}:{args.port}", "workers": 1, "worker_class": "gthread",
                "threads": args.threads, "timeout": 120, "graceful_timeout": 10,
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
            return _app

    FolioServer().run()


_app = None


def _stop_runner(server, worker) -> None:
    """gunicorn hook in the worker process: stop the job runner before the process exits."""
    if _app is not None:
        _app.extensions["folio.runner"].stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "worker" or args.runner == "celery":
        print("The Celery runner is not part of this build yet; use the embedded runner "
              "(the default).", file=sys.stderr)
        return 2
    serve(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
