# syntax=docker/dockerfile:1.7
# ReachGraph service image. Build from the repository root:
#   docker build -f deploy/docker/signals.Dockerfile --build-arg GIT_SHA=$(git rev-parse --short=12 HEAD) \
#     -t ghcr.io/stella-ops/stella-reachgraph:dev .
# Stages: prune the workspace to what ReachGraph needs (turbo prune), install and build only that,
# then `pnpm deploy --prod` into a self-contained directory the runtime stage copies.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS prune
WORKDIR /src
RUN npm install --global turbo@2.11.11
COPY . .
RUN turbo prune @stella-ops/reachgraph-service --docker --out-dir /pruned

FROM ${NODE_IMAGE} AS build
# Native addons (zstd-napi) fall back to node-gyp when no prebuilt binary can be fetched.
RUN apt-get update \
  && apt-get install --yes --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# The pnpm version package.json pins (packageManager).
RUN npm install --global pnpm@10.34.8
WORKDIR /repo
# Manifests first, so the dependency layer is cached while only sources change.
COPY --from=prune /pruned/json/ ./
RUN pnpm install --frozen-lockfile
COPY --from=prune /pruned/full/ ./
COPY tsconfig.base.json ./
ARG GIT_SHA=unknown
ENV GIT_SHA=${GIT_SHA} TURBO_TELEMETRY_DISABLED=1
RUN pnpm turbo run build --filter=@stella-ops/reachgraph-service...
RUN pnpm --filter=@stella-ops/reachgraph-service deploy --legacy --prod /out

FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
  && apt-get install --yes --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
# 32 MiB semi-spaces (twice V8's default): an upload's parse makes tens of MB of short-lived objects,
# which the default young generation promotes and mark-compacts (bench/results/reachgraph.txt).
ENV NODE_ENV=production NODE_OPTIONS=--max-semi-space-size=32
WORKDIR /app
# Root-owned and read-only to the service user: the container runs with a read-only root filesystem.
COPY --from=build /out/ ./
USER 1000:1000
EXPOSE 8081
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.REACHGRAPH_PORT||8081)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# tini is PID 1: it forwards SIGTERM to node (which drains and exits 0) and reaps zombies.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/bin.js"]
CMD ["serve"]

LABEL org.opencontainers.image.title="stella-reachgraph" \
  org.opencontainers.image.description="ReachGraph: content-addressed reachability graphs with explained slices" \
  org.opencontainers.image.source="https://github.com/stella-ops/stella-reach" \
  org.opencontainers.image.licenses="Apache-2.0"
