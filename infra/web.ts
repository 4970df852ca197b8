/**
 * The web console: its private bucket (served by CloudFront, edge.ts) and the files of its build, `web/dist`.
 * Build it before deploying (`npm run build -w web`); without a build the bucket is created empty.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { privateBucket, type PlatformKey } from "./security.ts";
import type { StageSettings } from "./stage.ts";

export const WEB_BUILD_DIR = "web/dist";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Paths of every file under `dir`, relative to it, with `/` separators (the S3 keys). */
export function buildFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

export function webConsole(key: PlatformKey, settings: StageSettings) {
  const bucket = privateBucket("WebConsoleBucket", key, settings);
  const buildDir = path.join($cli.paths.root, WEB_BUILD_DIR);
  for (const file of buildFiles(buildDir)) {
    new aws.s3.BucketObjectv2(`WebConsoleFile-${file.replace(/[^A-Za-z0-9]/g, "-")}`, {
      bucket: bucket.id,
      key: file,
      source: new $util.asset.FileAsset(path.join(buildDir, file)),
      contentType: CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream",
      // Vite fingerprints everything but the entry page, which must always be fresh.
      cacheControl: file === "index.html" ? "no-cache" : "public, max-age=31536000, immutable",
    });
  }
  return bucket;
}
