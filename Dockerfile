# syntax=docker/dockerfile:1
#
# The bridge's container image:   docker build -t talkdesk-bridge .
# Two stages: `build` compiles the native SQLite addon and the TypeScript, then drops the dev
# dependencies; `runtime` is a slim Node.js image with only dist/ and the production
# node_modules, run by an unprivileged user. Both stages use the same Node.js major version and
# Debian release, so the addon compiled in the first runs in the second.

ARG NODE_VERSION=20

# ---------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app

# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# No install-time telemetry (swagger-ui-dist's scarf).
ENV SCARF_ANALYTICS=false

# Dependencies first, at the versions the committed lockfile pins (a layer cached until they
# change). `npm install` rather than `npm ci`: npm ci refuses this lockfile because it lacks
# entries for other platforms' optional packages (@swc/core-darwin-arm64...), which npm install
# accepts and leaves alone. Install scripts stay off; only the native addon the bridge needs is built.
COPY package.json package-lock.json ./
RUN npm install --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3

COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# What prune keeps but the runtime never loads: TypeScript (an optional peer of @nestjs/swagger,
# for its compiler plugin) and better-sqlite3's sources and object files (only the addon stays).
RUN rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node /tmp/ \
 && rm -rf build deps src \
 && mkdir -p build/Release \
 && mv /tmp/better_sqlite3.node build/Release/

# ---------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime

# tini runs as PID 1: it hands SIGTERM/SIGINT to Node.js (which drains requests in flight, see
# the README's "Graceful shutdown") and reaps zombies. (`docker run --init` would do the same.)
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data

WORKDIR /app
# Owned by root and read-only for the user the bridge runs as.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

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
CMD ["node", "dist/main.js"]
