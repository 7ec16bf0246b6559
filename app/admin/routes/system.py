"""Health, reset and the list of vendors."""

import time

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from crowdmock.admin.context import AdminDep
from crowdmock.admin.errors import AdminError
from crowdmock.admin.schemas import ErrorBody, Health, ResetResult, VendorList, vendor_query
from crowdmock.core import clock
from crowdmock.core.routing import LazyRouter

router = LazyRouter(tags=["system"])


@router.get("/health", response_model=Health, responses={503: {"model": Health, "description": "Not seeded yet."}})
async def health(admin: AdminDep) -> JSONResponse:
    """Each vendor's state; 200 once the store is seeded, 503 before."""
    store = admin.store
    if not store.ready:
        return JSONResponse({"status": "starting", "vendors": {}}, status_code=503)
    seeded = await run_in_threadpool(store.seeded_vendors)
    vendors = {name: {"seeded": name in seeded} for name in admin.vendors}
    return JSONResponse({"status": "ok", "vendors": vendors})


@router.post("/reset", response_model=ResetResult, responses={404: {"model": ErrorBody}})
async def reset(admin: AdminDep, vendor: str | None = vendor_query("Only this vendor.")) -> JSONResponse:
    """Back to the seeded state (all vendors or one), with the journal and the fault rules cleared (those of the
    vendor only, with `?vendor=`)."""
    admin.vendor(vendor, status=404)
    started = time.perf_counter()
    names = await run_in_threadpool(admin.store.reset, vendor)
    await run_in_threadpool(admin.control.reset, vendor)
    clock.restart()
    elapsed = round((time.perf_counter() - started) * 1000, 2)
    return JSONResponse({"status": "ok", "reset": names, "duration_ms": elapsed})


@router.get("/vendors", response_model=VendorList)
async def vendors(request: Request, admin: AdminDep) -> JSONResponse:
    """Every vendor served here: mock and real base URLs, docs, hostnames and default credentials."""
    origin = f"{request.url.scheme}://{request.url.netloc}"
    at_root = bool(admin.settings.vendor)
    return JSONResponse({"vendors": [v.describe(origin, at_root) for v in admin.vendors.values()]})


@router.get(
    "/ca.pem",
    response_class=Response,
    responses={
        200: {"content": {"application/x-pem-file": {}}, "description": "The CA certificate, PEM."},
        404: {"model": ErrorBody, "description": "HTTPS was never set up, or it serves your own certificate."},
    },
)
def ca_certificate(admin: AdminDep) -> Response:
    """crowdmock's local CA certificate, for clients to trust its HTTPS (docs/https.md): public, never its key.
    404 until `crowdmock serve --https` or `crowdmock ca` made the CA, and when your own certificate is served."""
    settings = admin.settings
    problem = "serving your own certificate (CROWDMOCK_TLS_CERT): no CA" if settings.tls_cert else None
    data = b""
    if not problem:
        try:
            data = (settings.ca_folder / "ca.pem").read_bytes()  # core/tls.py CA_FILE (not imported: cryptography)
        except OSError:
            problem = "HTTPS was never set up: run `crowdmock ca` or `crowdmock serve --https`"
    # Only certificates ever leave: a key put in the file by mistake is not served.
    if not problem and (b"PRIVATE KEY" in data or not data.lstrip().startswith(b"-----BEGIN CERTIFICATE-----")):
        problem = f"{settings.ca_folder / 'ca.pem'} does not hold a certificate alone"
    if problem:
        raise AdminError(404, "no CA certificate", [problem])
    disposition = 'attachment; filename="crowdmock-ca.pem"'
    return Response(data, media_type="application/x-pem-file", headers={"Content-Disposition": disposition})
