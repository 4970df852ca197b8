# syntax=docker/dockerfile:1
# Services on EC2 (loyalty behind the NLB, the analytics worker), run by the cloudcafe@<service> systemd unit
# (infra/ec2-user-data.ts) with host networking. Build from the repository root:
#   docker build -f infra/docker/ec2-service.Dockerfile --build-arg ENTRY=functions/<service>/src/<entry>.ts .
FROM node:24-bookworm-slim AS build
WORKDIR /repo
COPY package.json package-lock.json tsconfig.json ./
COPY packages ./packages
COPY functions ./functions
COPY web/package.json ./web/package.json
# Install scripts are skipped: the native engines (DynamoDB Local, leveldown) are for the laptop platform only.
RUN npm ci --no-audit --no-fund --ignore-scripts
ARG ENTRY
RUN test -f "$ENTRY" && npx esbuild "$ENTRY" \
      --bundle --platform=node --target=node24 --format=esm --outfile=/out/main.mjs \
      --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY --from=build /out/main.mjs ./main.mjs
USER node
CMD ["node", "main.mjs"]
