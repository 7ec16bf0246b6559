"""One process serving the app on two ports: plain HTTP and, beside it, HTTPS (docs/https.md).

uvicorn serves one kind of listener per server; `TLSServer` is its server with a second, TLS listener on a socket
bound beforehand. Both listeners share the app, its lifespan and the graceful shutdown; the HTTP protocol tells
the app which one a request came in on (`scope["scheme"]`). Under `--workers N` the parent binds both sockets and
every worker serves both (`run_workers`); the kernel hands each connection to one of them."""

import asyncio
import logging
import multiprocessing
import signal
import socket
import threading
from pathlib import Path

import uvicorn

logger = logging.getLogger("uvicorn.error")


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (uvicorn's own `Config.bind_socket` binds only the configured port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)  # connections wait in the backlog until the listener starts
    sock.set_inheritable(True)
    return sock


class TLSServer(uvicorn.Server):
    """uvicorn's server plus a TLS listener on `tls_socket`, serving `certificate` (cert, key)."""

    def __init__(self, config: uvicorn.Config, tls_socket: socket.socket, certificate: tuple[Path, Path]):
        super().__init__(config)
        self.tls_socket, self.certificate = tls_socket, certificate

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.started:
            return
        from crowdmock.core.tls import ssl_context

        config = self.config

        def create_protocol(_loop: asyncio.AbstractEventLoop | None = None) -> asyncio.Protocol:
            return config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=self.server_state, app_state=self.lifespan.state, _loop=_loop
            )

        loop = asyncio.get_running_loop()
        context = ssl_context(*self.certificate)
        server = await loop.create_server(create_protocol, sock=self.tls_socket, ssl=context, backlog=2048)
        self.servers.append(server)  # closed and waited for with the plain one at shutdown
        if sockets is None:
            host, port = self.tls_socket.getsockname()[:2]
            logger.info("Uvicorn running on https://%s:%d", f"[{host}]" if ":" in host else host, port)


def run_workers(server: TLSServer, sockets: list[socket.socket], workers: int) -> None:
    """`workers` processes each running `server` on `sockets` plus its TLS socket, started again when one dies;
    SIGINT/SIGTERM stop them all (uvicorn's own supervisor builds plain servers only)."""
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()

    def start() -> multiprocessing.Process:
        process = spawn.Process(target=_worker, args=(server, sockets))
        process.start()
        return process

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    processes = [start() for _ in range(workers)]
    host, port = server.tls_socket.getsockname()[:2]
    logger.info("Uvicorn running on https://%s:%d", f"[{host}]" if ":" in host else host, port)
    while not stop.wait(0.5):
        for index, process in enumerate(processes):
            if not process.is_alive():
                logger.warning(
                    "Worker process [%s] died (exit code %s); starting another", process.pid, process.exitcode
                )
                processes[index] = start()
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(server.config.timeout_graceful_shutdown or 5)
        if process.is_alive():
            process.kill()


def _worker(server: TLSServer, sockets: list[socket.socket]) -> None:
    server.config.configure_logging()  # a spawned process starts with Python's defaults
    server.run(sockets)
