# syntax=docker/dockerfile:1
# The Loyalty service on its EC2 instances (behind the NLB), run by the cloudcafe@loyalty systemd unit
# (infra/ec2-user-data.ts, infra/loyalty.ts) with host networking. Build from the repository root and push as the
# `loyalty` tag of the stage's ec2-services repository:
#   docker build -f infra/docker/loyalty.Dockerfile -t <repository>:loyalty .
FROM node:24-bookworm-slim AS build
WORKDIR /repo
COPY package.json package-lock.json tsconfig.json ./
COPY packages ./packages
COPY functions ./functions
COPY web/package.json ./web/package.json
# Install scripts are skipped: the native engines (DynamoDB Local, leveldown) are for the laptop platform only.
RUN npm ci --no-audit --no-fund --ignore-scripts
# Built like the order container's bundle: piscina stays external (it starts its threads from its own worker file,
# which a bundle would lose), and both pools' workers are bundled beside the server.
RUN npx esbuild functions/loyalty/src/server.ts --external:piscina \
      --bundle --platform=node --target=node24 --format=esm --outfile=/out/server.mjs \
      --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
RUN npx esbuild packages/stress/src/worker.ts --bundle --platform=node --target=node24 --format=esm --outfile=/out/stress-worker.mjs \
      --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
RUN npx esbuild functions/loyalty/src/jobs/tier-worker.ts --bundle --platform=node --target=node24 --format=esm --outfile=/out/tier-worker.mjs \
      --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=8080 STRESS_WORKER_FILE=/app/stress-worker.mjs LOYALTY_BATCH_WORKER_FILE=/app/tier-worker.mjs
WORKDIR /app
COPY --from=build /out/server.mjs /out/stress-worker.mjs /out/tier-worker.mjs ./
COPY --from=build /repo/node_modules/piscina ./node_modules/piscina
USER node
EXPOSE 8080
CMD ["node", "server.mjs"]
