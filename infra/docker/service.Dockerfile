# syntax=docker/dockerfile:1
# HTTP services on ECS Fargate and EKS. Build from the repository root:
#   docker build -f infra/docker/service.Dockerfile --build-arg SERVICE=order .
# Bundles functions/<SERVICE>/src/server.ts (listens on PORT, serves /health and /ready) into one ESM file.
FROM node:24-bookworm-slim AS build
WORKDIR /repo
COPY package.json package-lock.json tsconfig.json ./
COPY packages ./packages
COPY functions ./functions
COPY web/package.json ./web/package.json
# Install scripts are skipped: the native engines (DynamoDB Local, leveldown) are for the laptop platform only.
RUN npm ci --no-audit --no-fund --ignore-scripts
ARG SERVICE
# piscina stays external: it starts its threads from its own worker file, which a bundle would lose.
RUN test -n "$SERVICE" && npx esbuild "functions/${SERVICE}/src/server.ts" --external:piscina \
      --bundle --platform=node --target=node24 --format=esm --outfile=/out/server.mjs \
      --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
# The stress pool's threads load their worker from a file of its own.
RUN npx esbuild packages/stress/src/worker.ts --bundle --platform=node --target=node24 --format=esm --outfile=/out/stress-worker.mjs \
      --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=8080 STRESS_WORKER_FILE=/app/stress-worker.mjs
# DocumentDB's TLS certificates chain to the RDS CA bundle; the Menu service verifies them against it
# (DOCUMENTDB_CA_FILE, infra/compute-eks.ts RDS_CA_BUNDLE_PATH).
ADD --chmod=644 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem
WORKDIR /app
COPY --from=build /out/server.mjs /out/stress-worker.mjs ./
COPY --from=build /repo/node_modules/piscina ./node_modules/piscina
USER node
EXPOSE 8080
CMD ["node", "server.mjs"]
