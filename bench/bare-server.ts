/** The bare Hono reference in a process of its own (so the load generator does not share its event loop): GET /ping. */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const port = Number(process.argv[2] ?? 3499);
const app = new Hono().get("/ping", (c) => c.json({ ok: true }));
serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => process.stdout.write("ready\n"));
