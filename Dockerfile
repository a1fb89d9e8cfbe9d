# syntax=docker/dockerfile:1
# Nashra as a container: `docker build -t nashra .` then
#   docker run -p 3000:3000 -v nashra-data:/data -e ADMIN_API_KEY=… nashra
# The image runs the service as plain JavaScript (`npm run build`, dist/): from its .ts sources
# every process and worker thread would load Node's TypeScript stripper (~20 MB in the service,
# ~12 MB per worker; docs/PERFORMANCE.md "Memory"). The first stage builds it; the second installs the
# production dependencies; neither npm, its cache, the lockfile nor the compiler reach the image.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.ts scripts/plain-schemas.ts ./scripts/
COPY src ./src
COPY routes ./routes
COPY schemas ./schemas
RUN node scripts/build.ts

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev drops the tooling and the `node` devDependency (the base image already is Node 24).
# --ignore-scripts is safe for the production tree: its only install script is protobufjs's
# postinstall, which merely warns about version-range spelling in the parent package.json.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

FROM node:24-slim
# MALLOC_ARENA_MAX: glibc's per-thread malloc arenas (worker threads, SQLite) hold freed memory.
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATABASE_PATH=/data/nashra.db
WORKDIR /app
# Code stays owned by root and read-only to the service user; only /data is writable.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
# The SQLite file and its WAL/SHM companions live here; created before VOLUME so a fresh named
# volume inherits the node user's ownership.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# /health answers without touching the database; node's global fetch avoids needing curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself as PID 1, not npm: SIGTERM from `docker stop` must reach the server's handler,
# which stops taking work and lets in-flight deliveries finish before closing the database.
# The V8 flags keep the heap close to what is live (README "Memory"); npm start uses the same.
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=20", "dist/src/server.js"]
