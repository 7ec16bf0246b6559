"""`crowdmock serve|reset|snapshot|routes`: the database is the one CROWDMOCK_DATABASE_URL names."""

import argparse
import os
import sys

from app.settings import Settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    # uvicorn's factory (and its --reload child process) builds the app from Settings(), which reads the
    # environment, so the command-line choices travel as CROWDMOCK_* variables.
    if args.vendor:
        os.environ["CROWDMOCK_VENDOR"] = args.vendor
    settings = Settings()
    host = args.host or settings.host
    port = args.port or settings.port
    os.environ["CROWDMOCK_HOST"], os.environ["CROWDMOCK_PORT"] = host, str(port)
    from app.vendors import VENDORS

    if settings.vendor and settings.vendor not in VENDORS:
        print(f"unknown vendor {settings.vendor!r}; known: {', '.join(VENDORS)}", file=sys.stderr)
        return 2
    base = f"http://{'localhost' if host in ('0.0.0.0', '::') else host}:{port}"
    print(f"crowdmock on {base}  (dashboard {base}/, admin {base}/__admin/docs)")
    for vendor in VENDORS.values():
        if settings.vendor and vendor.name != settings.vendor:
            continue
        print(f"  {vendor.title:<14} {base}{'' if settings.vendor else vendor.prefix}")
    sys.stdout.flush()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        reload=args.reload,
        log_level=args.log_level,
        timeout_graceful_shutdown=5,
        # Writes vendor reason phrases into the status line (app/core/reason.py).
        http="app.core.reason:ReasonPhraseProtocol",
    )
    return 0


def _open_store(settings: Settings):
    """The configured database, created and seeded if new (what `serve` would open)."""
    from app.main import open_store

    store = open_store(settings)
    store.start()
    return store


def _known_vendors(names: list[str] | None) -> bool:
    from app.vendors import VENDORS

    unknown = [n for n in names or () if n not in VENDORS]
    if unknown:
        print(f"unknown vendor {unknown[0]!r}; known: {', '.join(VENDORS)}", file=sys.stderr)
    return not unknown


def _reset(args: argparse.Namespace) -> int:
    if not _known_vendors([args.vendor] if args.vendor else None):
        return 2
    settings = Settings()
    store = _open_store(settings)
    names = store.reset(args.vendor)
    store.close()
    print(f"reset {', '.join(names)} in {settings.database_url}")
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    import orjson

    from app.core import snapshot

    if args.action == "export" and not _known_vendors(args.vendor):
        return 2
    settings = Settings()
    store = _open_store(settings)
    try:
        if args.action == "export":
            data = orjson.dumps(snapshot.export(store, args.vendor or list(store.loaders)))
            if args.file in (None, "-"):
                sys.stdout.buffer.write(data + b"\n")
            else:
                with open(args.file, "wb") as out:
                    out.write(data)
            return 0
        try:
            with open(args.file, "rb") as source:
                loaded = snapshot.load(store, orjson.loads(source.read()))
        except OSError as exc:
            print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
        except orjson.JSONDecodeError as exc:
            print(f"{args.file} is not JSON: {exc}", file=sys.stderr)
            return 2
        except snapshot.SnapshotError as exc:
            print(f"{args.file} is not a valid snapshot; nothing was changed:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            return 2
        print(f"loaded {', '.join(loaded)} into {settings.database_url}")
        return 0
    finally:
        store.close()


def _routes(args: argparse.Namespace) -> int:
    from app.vendors import VENDORS

    settings = Settings(database_url="sqlite://")
    for vendor in VENDORS.values():
        if args.vendor and vendor.name != args.vendor:
            continue
        for path, operations in vendor.build_app(settings).openapi()["paths"].items():
            for method in operations:
                print(f"{method.upper():<8}{vendor.prefix}{path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crowdmock", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve every vendor (or one) over HTTP")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--vendor", help="serve only this vendor, at the root")
    serve.add_argument("--reload", action="store_true")
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(func=_serve)

    reset = sub.add_parser("reset", help="restore the seeded state in the database")
    reset.add_argument("--vendor")
    reset.set_defaults(func=_reset)

    snap = sub.add_parser("snapshot", help="export the store as JSON, or load such a snapshot")
    snap_sub = snap.add_subparsers(dest="action", required=True)
    export = snap_sub.add_parser("export", help="write the store (every vendor, or some) as JSON")
    export.add_argument("file", nargs="?", help="output file (default: standard output)")
    export.add_argument("--vendor", action="append", help="only this vendor (repeatable)")
    load = snap_sub.add_parser("import", help="load a snapshot: its vendors get exactly its rows")
    load.add_argument("file", help="a file written by `crowdmock snapshot export` or GET /__admin/snapshot")
    snap.set_defaults(func=_snapshot)

    routes = sub.add_parser("routes", help="list every vendor route")
    routes.add_argument("--vendor")
    routes.set_defaults(func=_routes)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
