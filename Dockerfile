# pitwall in a small image: built from its wheel, run as a non-root user, the database on a volume, and a health
# check that reads the heartbeat the running bot records (`pitwall health`). One container per database.
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PITWALL_DB_PATH=/data/pitwall.sqlite3
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin pitwall \
    && mkdir -p /data && chown pitwall /data
COPY --from=wheel /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
USER pitwall
WORKDIR /data
VOLUME ["/data"]
# The token comes from the environment (docker run --env-file), never from the image.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["pitwall", "health"]
STOPSIGNAL SIGTERM
CMD ["pitwall", "run"]
