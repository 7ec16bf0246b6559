"""`crowdmock serve|ca|reset|seed|snapshot|routes`: the database is the one CROWDMOCK_DATABASE_URL names."""

import argparse
import os
import sys
from pathlib import Path

from crowdmock.settings import Settings


def _serve(args: argparse.Namespace) -> int:
    # uvicorn's factory (and its --reload child process) builds the app from Settings(), which reads the
    # environment, so the command-line choices travel as CROWDMOCK_* variables.
    os.environ.setdefault("CROWDMOCK_GC_FREEZE", "true")
    if args.vendor:
        os.environ["CROWDMOCK_VENDOR"] = args.vendor
    if args.workers and args.workers > 1:
        # Several processes serve: the journal, fault rules and counters live in the database (core/shared.py).
        os.environ.setdefault("CROWDMOCK_SHARED_STATE", "true")
    if args.fixtures:
        os.environ["CROWDMOCK_FIXTURES"] = args.fixtures
        os.environ["CROWDMOCK_FIXTURES_REPLACE"] = "true" if args.replace_fixtures else "false"
    if args.https or args.https_port:
        os.environ["CROWDMOCK_HTTPS"] = "true"
    if args.https_port:
        os.environ["CROWDMOCK_HTTPS_PORT"] = str(args.https_port)
    settings = Settings()
    host = args.host or settings.host
    port = args.port or settings.port
    os.environ["CROWDMOCK_HOST"], os.environ["CROWDMOCK_PORT"] = host, str(port)
    from crowdmock.vendors import VENDORS

    if settings.vendor and settings.vendor not in VENDORS:
        print(f"unknown vendor {settings.vendor!r}; known: {', '.join(VENDORS)}", file=sys.stderr)
        return 2
    if settings.fixtures and not _fixtures_valid(settings):
        return 2
    certificate = None
    if settings.https:  # nothing of TLS is imported or made otherwise (start-up time)
        from crowdmock.core.tls import TLSError, ensure_certificate
        from crowdmock.main import vendor_hostnames

        try:
            certificate = ensure_certificate(settings, vendor_hostnames())
        except TLSError as exc:
            print(f"crowdmock: {exc}", file=sys.stderr)
            return 2
    from crowdmock.core.db import DatabaseUnavailable, wait_for_database

    try:
        wait_for_database(settings.database_url, settings.database_wait)
    except DatabaseUnavailable as exc:
        print(f"crowdmock: {exc}", file=sys.stderr)
        return 1
    name = "localhost" if host in ("0.0.0.0", "::") else host
    base = f"http://{name}:{port}"
    print(f"crowdmock on {base}  (dashboard {base}/, admin {base}/__admin/docs)")
    if certificate:
        print(f"  and on https://{name}:{settings.https_port}  ({_certificate_note(settings, certificate)})")
    for vendor in VENDORS.values():
        if settings.vendor and vendor.name != settings.vendor:
            continue
        print(f"  {vendor.title:<14} {base}{'' if settings.vendor else vendor.prefix}")
    sys.stdout.flush()
    return _run_uvicorn(args, host, port, settings, certificate)


def _certificate_note(settings: Settings, certificate: tuple[Path, Path]) -> str:
    if settings.tls_cert:
        return f"your certificate {certificate[0]}"
    from crowdmock.core.tls import ca_certificate_path

    return f"CA {ca_certificate_path(settings)}; `crowdmock ca` shows how to trust it"


def _run_uvicorn(args: argparse.Namespace, host: str, port: int, settings: Settings, certificate) -> int:
    import uvicorn

    options = dict(
        factory=True,
        host=host,
        port=port,
        reload=args.reload,
        workers=args.workers,
        log_level=args.log_level,
        timeout_graceful_shutdown=5,
        # Vendor reason phrases in the status line, a cheaper access log, one write per answer (app/core/protocol.py).
        http="crowdmock.core.protocol:CrowdmockProtocol",
        # Forwarded headers are believed from CROWDMOCK_TRUSTED_PROXIES only (app/core/proxies.py), not from
        # uvicorn's default 127.0.0.1.
        proxy_headers=False,
    )
    if certificate is None:
        uvicorn.run("crowdmock.main:create_app", **options)
        return 0
    from uvicorn.supervisors import ChangeReload

    from crowdmock.core.listeners import TLSServer, bind, run_workers

    try:
        tls_socket = bind(host, settings.https_port)
    except OSError as exc:
        print(f"crowdmock: cannot listen on {host}:{settings.https_port} for HTTPS: {exc.strerror}", file=sys.stderr)
        return 1
    config = uvicorn.Config("crowdmock.main:create_app", **options)
    server = TLSServer(config, tls_socket, certificate)
    if config.should_reload:
        ChangeReload(config, target=server.run, sockets=[config.bind_socket()]).run()
    elif config.workers > 1:
        run_workers(server, [config.bind_socket()], config.workers)
    else:
        server.run()
        return 0 if server.started else 1
    return 0


def _ca(args: argparse.Namespace) -> int:
    from crowdmock.core.tls import TLSError, ensure_ca

    settings = Settings()
    if settings.tls_cert:
        print(f"crowdmock serves your own certificate ({settings.tls_cert}): clients trust its issuer; no CA is made.")
        return 0
    try:
        path = ensure_ca(settings).resolve()
    except TLSError as exc:
        print(f"crowdmock: {exc}", file=sys.stderr)
        return 1
    if args.path:
        print(path)
        return 0
    print(CA_HELP.format(path=path, port=settings.https_port, http_port=settings.port))
    return 0


CA_HELP = """crowdmock's CA certificate: {path}
(its key stays beside it, readable by you alone; `crowdmock serve --https` issues the server certificate from it.
Also served at http://localhost:{http_port}/__admin/ca.pem.)

Trust it:
  curl       curl --cacert {path} https://localhost:{port}/__admin/health
  Python     export SSL_CERT_FILE={path}        (ssl, httpx, urllib)
             export REQUESTS_CA_BUNDLE={path}   (requests)
  Node.js    export NODE_EXTRA_CA_CERTS={path}
  Java       keytool -importcert -noprompt -alias crowdmock -file {path} \\
               -keystore crowdmock-truststore.p12 -storepass changeit
             java -Djavax.net.ssl.trustStore=crowdmock-truststore.p12 -Djavax.net.ssl.trustStorePassword=changeit ...
  Debian/Ubuntu container or host (root):
             cp {path} /usr/local/share/ca-certificates/crowdmock.crt && update-ca-certificates
  Alpine:    the same, after `apk add ca-certificates`

SSL_CERT_FILE and REQUESTS_CA_BUNDLE replace the system's CAs for that process; to keep them, point the
variable at a file holding both (cat /etc/ssl/certs/ca-certificates.crt {path} > bundle.pem).
More: docs/https.md"""


def _open_store(settings: Settings):
    """The configured database, created and seeded if new (what `serve` would open)."""
    from crowdmock.main import open_store

    store = open_store(settings)
    store.start()
    return store


def _print_fixture_problems(folder, problems: list[str]) -> None:
    print(f"{folder} has fixtures crowdmock cannot use; nothing was changed:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def _fixtures_valid(settings: Settings) -> bool:
    from crowdmock.core.fixtures import FixtureError, UserFixtures, compose
    from crowdmock.vendors import VENDORS

    try:
        compose(
            settings.fixtures_dir,
            UserFixtures(settings.fixtures, settings.fixtures_replace),
            {name: vendor.fixture_identities for name, vendor in VENDORS.items()},
        )
    except FixtureError as exc:
        _print_fixture_problems(settings.fixtures, exc.problems)
        return False
    return True


def _seed(args: argparse.Namespace) -> int:
    from crowdmock.core.fixtures import FixtureError
    from crowdmock.main import open_store

    settings = Settings()
    if args.fixtures:
        settings = settings.model_copy(update={"fixtures": Path(args.fixtures), "fixtures_replace": args.replace})
    store = open_store(settings, follow_recorded=False)
    try:
        store.start(reseed=True)
    except FixtureError as exc:
        _print_fixture_problems(settings.fixtures, exc.problems)
        return 2
    finally:
        store.close()
    how = f"{settings.fixtures} {'instead of' if settings.fixtures_replace else 'on top of'} the defaults"
    print(f"seeded {', '.join(store.vendors)} from {how if settings.fixtures else 'the defaults'}")
    print(f"  into {settings.database_url}; resets go back to this seed")
    return 0


def _known_vendors(names: list[str] | None) -> bool:
    from crowdmock.vendors import VENDORS

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
    if settings.shares_state:  # what POST /__admin/reset clears too, for every process on the database
        from crowdmock.main import open_control_plane

        control = open_control_plane(settings)
        control.reset(args.vendor)
        control.clear_counters(names)
        control.release()
    print(f"reset {', '.join(names)} in {settings.database_url}")
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    import orjson

    from crowdmock.core import snapshot

    if args.action == "export" and not _known_vendors(args.vendor):
        return 2
    settings = Settings()
    store = _open_store(settings)
    try:
        if args.action == "export":
            data = orjson.dumps(snapshot.export(store, args.vendor or list(store.vendors)))
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
    from crowdmock.vendors import VENDORS

    settings = Settings(database_url="sqlite://")
    for vendor in VENDORS.values():
        if args.vendor and vendor.name != args.vendor:
            continue
        for path, operations in vendor.build_app(settings).openapi()["paths"].items():
            for method in operations:
                print(f"{method.upper():<8}{vendor.prefix}{path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    from crowdmock import __version__

    parser = argparse.ArgumentParser(prog="crowdmock", description=__doc__)
    parser.add_argument("--version", action="version", version=f"crowdmock {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve every vendor (or one) over HTTP (and HTTPS)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--vendor", help="serve only this vendor, at the root")
    serve.add_argument("--fixtures", metavar="DIR", help="seed from your fixtures (see `crowdmock seed --help`)")
    serve.add_argument("--replace-fixtures", action="store_true", help="DIR's vendors instead of the defaults")
    serve.add_argument("--reload", action="store_true")
    serve.add_argument(
        "--workers", type=int, help="worker processes sharing the database, journal, fault rules and counters"
    )
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--https", action="store_true", help="also serve HTTPS, with a certificate from crowdmock's local CA"
    )
    serve.add_argument("--https-port", type=int, help="the HTTPS port (default 8443; implies --https)")
    serve.set_defaults(func=_serve)

    ca = sub.add_parser(
        "ca",
        help="where crowdmock's CA certificate is and how to trust it (made if missing)",
        description="Prints the path of the local CA certificate that `serve --https` issues its certificate from "
        "(CROWDMOCK_CA_DIR, default: `ca` beside the SQLite file), creating the CA the first time, and how to "
        "trust it in curl, Python, Node.js, Java and a container.",
    )
    ca.add_argument("--path", action="store_true", help="print only the certificate's path")
    ca.set_defaults(func=_ca)

    reset = sub.add_parser("reset", help="restore the seeded state in the database")
    reset.add_argument("--vendor")
    reset.set_defaults(func=_reset)

    seed = sub.add_parser(
        "seed",
        help="seed the database again, from the default fixtures or your own",
        description="Seed every vendor again. DIR holds <vendor>/<file>.json like the project's fixtures/ folder, "
        "each file a JSON array of records shaped like the default file's (fields but the id may be null). "
        "A record replaces the default one "
        "with the same id (first field) and is added otherwise; with --replace, a vendor folder in DIR is that "
        "vendor's whole seed. Files are checked first: problems are listed by file, record and field, and "
        "nothing is changed. The database remembers DIR: later starts and resets use it.",
    )
    seed.add_argument("--fixtures", metavar="DIR", help="your fixture folder (default: CROWDMOCK_FIXTURES or none)")
    seed.add_argument("--replace", action="store_true", help="use DIR's vendors instead of the defaults")
    seed.set_defaults(func=_seed)

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
