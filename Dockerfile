# cus-api: multi-stage build. The runtime image holds the binary, libpq and nothing else; it runs as
# a non-root user with SQLite data on the /data volume, or on PostgreSQL via DATABASE_URL.
FROM rust:1.95-slim-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
# The bundled SQLite's compile-time options (see the file).
COPY .cargo .cargo
COPY src src
COPY migrations migrations
COPY tests tests
RUN cargo build --release --locked --bin cus-api

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin cus \
    && mkdir -p /data \
    && chown cus /data
COPY --from=build /src/target/release/cus-api /usr/local/bin/cus-api
USER cus
WORKDIR /data
VOLUME ["/data"]
# For PostgreSQL, set DATABASE_URL=postgres://user:password@host:5432/cus at `docker run`.
ENV DATABASE_URL=sqlite:///data/cus-api.db \
    BIND_ADDR=0.0.0.0:8080 \
    RUST_LOG=info
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/cus-api"]
CMD ["serve"]
