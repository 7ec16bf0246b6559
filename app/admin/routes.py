"""/__admin: health and reset (the rest of the control plane comes with issue 7)."""

import time

from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse

from app.core.store import Store
from app.settings import Settings


def build_admin_app(store: Store, settings: Settings) -> FastAPI:
    admin = FastAPI(title="crowdmock admin API", version="1")

    @admin.get("/health")
    def health() -> JSONResponse:
        if not store.ready:
            return JSONResponse({"status": "starting", "vendors": {}}, status_code=503)
        seeded = store.seeded_vendors()
        vendors = {name: {"seeded": name in seeded} for name in store.loaders}
        return JSONResponse({"status": "ok", "vendors": vendors})

    @admin.post("/reset")
    def reset(vendor: str | None = Query(default=None)) -> JSONResponse:
        if vendor is not None and vendor not in store.loaders:
            return JSONResponse(
                {"error": f"unknown vendor {vendor!r}", "vendors": list(store.loaders)}, status_code=404
            )
        started = time.perf_counter()
        names = store.reset(vendor)
        elapsed = round((time.perf_counter() - started) * 1000, 2)
        return JSONResponse({"status": "ok", "reset": names, "duration_ms": elapsed})

    return admin
