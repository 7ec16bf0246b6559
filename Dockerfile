# crowdmock: every vendor on port 8000, state in /data (a volume), healthy once seeded. With CROWDMOCK_HTTPS=true
# also over HTTPS on 8443, with a certificate from a CA it makes once in /data/ca (CROWDMOCK_CA_DIR; docs/https.md).
#   docker build -t crowdmock . && docker run -p 8000:8000 -v crowdmock-data:/data crowdmock
#   docker run -p 8000:8000 -p 8443:8443 -e CROWDMOCK_HTTPS=true -v crowdmock-data:/data crowdmock

# Build stage: build the wheel (fixtures and data files inside it), then install it and the locked dependencies
# (requirements/serve.txt) into a virtual environment. The source tree itself is never installed.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/crowdmock
COPY pyproject.toml README.md LICENSE ./
COPY requirements ./requirements
COPY app ./app
COPY fixtures ./fixtures
RUN /opt/crowdmock/bin/pip wheel --no-deps --wheel-dir /wheels . \
    && /opt/crowdmock/bin/pip install --no-compile -r requirements/serve.txt \
    && /opt/crowdmock/bin/pip install --no-compile --no-deps /wheels/crowdmock-*.whl \
    && /opt/crowdmock/bin/python -m compileall -q /opt/crowdmock/lib

# Runtime stage: the environment (the fixtures are in the package) and a non-root user; no build tools.
FROM python:3.11-slim
# /ca: where compose keeps the CA (CROWDMOCK_CA_DIR=/ca) in a volume other services mount read-only for ca.pem;
# a new volume takes this folder's owner and mode (0755), and the key inside stays 0600, crowdmock's alone.
RUN useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin crowdmock \
    && mkdir -p /data /ca && chown crowdmock /data /ca && chmod 0755 /ca
COPY --from=build /opt/crowdmock /opt/crowdmock
# A seeded database for new ones to copy (CROWDMOCK_SEED_CACHE): containers start without seeding.
RUN CROWDMOCK_DATABASE_URL=sqlite:////tmp/seed.sqlite3 CROWDMOCK_SEED_CACHE=/opt/crowdmock/seeds \
        /opt/crowdmock/bin/crowdmock seed \
    && rm -f /tmp/seed.sqlite3* && test -n "$(ls /opt/crowdmock/seeds)"
ENV PATH=/opt/crowdmock/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CROWDMOCK_HOST=0.0.0.0 \
    CROWDMOCK_PORT=8000 \
    CROWDMOCK_DATABASE_URL=sqlite:////data/crowdmock.sqlite3 \
    CROWDMOCK_SEED_CACHE=/opt/crowdmock/seeds
USER crowdmock
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000 8443
# No curl in the slim image: Python asks the admin API (503 until the store is seeded), over HTTPS too when it is on
# (a liveness probe: the certificate is not verified here).
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=5 \
    CMD ["python", "-c", "import os, ssl, sys, urllib.request as u; tls = os.environ.get('CROWDMOCK_HTTPS', '').lower() in ('1', 'true', 'yes', 'on'); urls = ['http://127.0.0.1:8000'] + ['https://127.0.0.1:' + os.environ.get('CROWDMOCK_HTTPS_PORT', '8443')] * tls; sys.exit(any(u.urlopen(url + '/__admin/health', timeout=2, context=ssl._create_unverified_context()).status != 200 for url in urls))"]
# uvicorn is PID 1 and stops gracefully on SIGTERM: open requests finish (5 s at most), the database is closed.
STOPSIGNAL SIGTERM
CMD ["crowdmock", "serve"]
