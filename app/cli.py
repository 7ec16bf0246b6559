"""`crowdmock serve|reset|routes`."""

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


def _reset(args: argparse.Namespace) -> int:
    from app.core.db import make_engine
    from app.core.store import Store
    from app.vendors import VENDORS

    settings = Settings()
    if args.vendor and args.vendor not in VENDORS:
        print(f"unknown vendor {args.vendor!r}; known: {', '.join(VENDORS)}", file=sys.stderr)
        return 2
    hooks = {n: hook for n, v in VENDORS.items() if (hook := v.after_seed())}
    store = Store(
        make_engine(settings.database_url), {n: v.seed for n, v in VENDORS.items()}, settings.fixtures_dir, hooks
    )
    store.start()
    names = store.reset(args.vendor)
    print(f"reset {', '.join(names)} in {settings.database_url}")
    return 0


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

    routes = sub.add_parser("routes", help="list every vendor route")
    routes.add_argument("--vendor")
    routes.set_defaults(func=_routes)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
