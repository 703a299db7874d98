# syntax=docker/dockerfile:1
#
# The bridge's container image:   docker build -t talkdesk-bridge .
# Two stages: `build` installs the locked dependencies, compiles the TypeScript, then drops the
# dev dependencies; `runtime` is a slim Node.js image with only dist/, the production
# node_modules and the demo's SQL manifest, run by an unprivileged user. Both stages use the same Node.js major version (the
# one .nvmrc pins) and Debian release.

ARG NODE_VERSION=24

# ---------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app

# No install-time telemetry (swagger-ui-dist's scarf).
ENV SCARF_ANALYTICS=false

# Dependencies first, exactly as the committed lockfile pins them (a layer cached until they
# change). Install scripts stay off: better-sqlite3 13 carries its native addon prebuilt for each
# platform inside the package, so nothing is compiled and no compiler is needed.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# The demo (CONNECTOR=sql without CONNECTOR_MANIFEST) is served through this manifest.
COPY connectors/sql/bridge-demo.yaml ./connectors/sql/bridge-demo.yaml
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# What prune keeps but the runtime never loads: TypeScript (an optional peer of @nestjs/swagger,
# for its compiler plugin), better-sqlite3's C sources and its addons for other platforms (only
# the glibc build for this image's architecture stays).
RUN rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver \
 && cd node_modules/better-sqlite3 \
 && rm -rf deps src \
 && find prebuilds -name '*.node' ! -name "linux-$(node -p process.arch).node" -delete

# ---------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime

# tini runs as PID 1: it hands SIGTERM/SIGINT to Node.js (which drains requests in flight, see
# "Graceful shutdown" in docs/security-and-resilience.md) and reaps zombies. (`docker run --init`
# would do the same.)
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
# The commit the image is built from, shown by the bridge_build_info metric:
# docker build --build-arg BRIDGE_COMMIT=$(git rev-parse HEAD) .
ARG BRIDGE_COMMIT=""
ENV BRIDGE_COMMIT=${BRIDGE_COMMIT}

WORKDIR /app
# Owned by root and read-only for the user the bridge runs as.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/connectors ./connectors

# The embedded SQLite database (when DATABASE_URL is not set) lives on a writable volume.
RUN mkdir -p /data && chown 1000:1000 /data
VOLUME ["/data"]

# The image's `node` user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000

EXPOSE 3000

# The slim image has no curl: Node.js itself asks the liveness endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
# The same command as `npm start`: the young generation capped at Node 20's default (Node 24
# sizes it up to 64 MB a semi-space) and no Maglev compiler, whose zones stay in malloc's arenas;
# see src/lifecycle/gc-settings.ts for the measurements.
CMD ["node", "--max-semi-space-size=16", "--no-maglev", "dist/main.js"]
