#!/usr/bin/env bash
# Unpacks SST's platform (component sources + the Pulumi packages they import) into .sst/platform, which the infra
# type check (infra/tsconfig.json) and the infra tests (Pulumi mocks) run against. Idempotent: a no-op when the
# platform of the pinned SST version with the pinned providers (AWS, Kubernetes, docker-build) is already there.
# Needs the npm registry the first time (`sst install` fetches the platform's npm dependencies); never AWS.
set -euo pipefail
cd "$(dirname "$0")/../.."

sst_version="$(node -p 'require("./node_modules/sst/package.json").version')"
platform=.sst/platform
pinned() { sed -n "s/^export const $1 = \"\(.*\)\";\$/\1/p" infra/stage.ts; }
installed() { node -p "try { require('./$platform/node_modules/@pulumi/$1/package.json').version } catch { '' }"; }

if [[ -f "$platform/version" && "$(cat "$platform/version")" == "$sst_version" &&
      "$(installed aws)" == "$(pinned AWS_PROVIDER_VERSION)" &&
      "$(installed kubernetes)" == "$(pinned KUBERNETES_PROVIDER_VERSION)" &&
      "$(installed docker-build)" == "$(pinned DOCKER_BUILD_PROVIDER_VERSION)" ]]; then
  exit 0
fi

SST_SKIP_DEPENDENCY_CHECK=1 SST_TELEMETRY_DISABLED=1 SST_NO_BUN=1 npx sst install --stage dev
