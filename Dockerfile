# One image for all four services; docker-compose.yml picks the service with its command (what
# `npm run start:<service>` runs, such as `node --single-threaded-gc --import tsx gateway/main.ts`;
# decision 0094 says why the flag). Node runs the TypeScript directly through
# tsx's loader (`node --import tsx`: no wrapper process between a signal and the service),
# so there is no build step beyond installing dependencies.

# ---- build: install the production dependencies ----
# Node 24 LTS. better-sqlite3 13 is a Node-API addon whose package carries its linux-x64 and
# linux-arm64 builds, so no compiler is needed here.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Exactly the lockfile; devDependencies (codegen, jest, composition) are not needed to run.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime: no compilers, no npm cache, not root ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    APOLLO_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY schema ./schema
COPY platform ./platform
COPY patches ./patches
COPY subgraphs ./subgraphs
COPY gateway ./gateway
# The operators' command-line tools run from this image too (docs/operations.md, "The image"):
# `npm run migrate` (the deployment's migration step), the imports, the report, backup and
# restore, and `npm run token`, which says in production why it makes no token. Only these:
# the other scripts are development tools that need devDependencies.
# test/unit/image-imports.test.ts checks that everything each imports is here.
COPY clients/gateway-client.ts ./clients/gateway-client.ts
COPY clients/report ./clients/report
COPY clients/schedule-import ./clients/schedule-import
COPY scripts/migrate.ts ./scripts/migrate.ts
COPY scripts/import-practices.ts scripts/import-schedule.ts scripts/report.ts ./scripts/
COPY scripts/token.ts scripts/backup.ts scripts/restore.ts ./scripts/
# The code stays root-owned (read-only to the service). Only data/ is the node user's: with
# PostgreSQL nothing is written there, but a service started without a *_DATABASE_URL keeps
# its SQLite file in it.
RUN mkdir -p /app/data && chown node:node /app/data
ENV DATA_DIR=/app/data
USER node
# docker-compose.yml sets the command and the per-service health check; this is the default.
# node itself, not `npm run start:gateway`: npm exits on SIGTERM and leaves the service behind,
# so it would never shut down gracefully.
CMD ["node", "--single-threaded-gc", "--import", "tsx", "gateway/main.ts"]
