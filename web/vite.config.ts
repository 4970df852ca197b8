import { defineConfig } from "vite";

/**
 * In development Vite serves the console and forwards the API to the local gateway (`npm start` at the root), so
 * every call stays same-origin exactly as it is behind the gateway and CloudFront.
 */
const gateway = process.env.CLOUDCAFE_GATEWAY_URL ?? `http://127.0.0.1:${process.env.CLOUDCAFE_GATEWAY_PORT ?? "3000"}`;
const proxy = Object.fromEntries(["/api", "/ready", "/health"].map((path) => [path, { target: gateway, changeOrigin: false }]));

export default defineConfig({
  server: { host: "127.0.0.1", port: 5173, strictPort: true, proxy },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true, proxy },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: true },
});
