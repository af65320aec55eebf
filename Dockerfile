# syntax=docker/dockerfile:1
# The tthc-flow image: worker processes, the indicator aggregator and the HTTP API (docker-compose.yml).
# Debian (glibc) on purpose: the Temporal SDK's native core has no musl (Alpine) build.
FROM node:20-bookworm-slim AS base
ENV NODE_ENV=production
WORKDIR /app

# Production dependencies only (tsx runs the TypeScript sources; the Temporal bundler is a
# dependency of @temporalio/worker).
FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM base AS app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The prebuilt workflow bundle: workers load it instead of running webpack at every start, and the
# build fails here if workflow code imports something the workflow sandbox forbids.
RUN node --import tsx workers/bundle.ts /app/dist/workflow-bundle.js \
  && mkdir -p /var/lib/tthc \
  && chown node:node /var/lib/tthc
# A 64 MiB young generation: a dossier's payloads are short-lived garbage, and V8's default makes
# the collector run several times as often (docs/operations.md, "Node's heap").
ENV TTHC_ENV=production \
    TTHC_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    TTHC_DATA_DIR=/var/lib/tthc \
    NODE_OPTIONS=--max-semi-space-size=64
USER node
VOLUME ["/var/lib/tthc"]
EXPOSE 8080 9464 3000
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "workers/worker-process.ts"]
