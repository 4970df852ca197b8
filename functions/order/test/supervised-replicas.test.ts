import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDatabase } from "@cloudcafe/adapters";
import { sleep } from "@cloudcafe/core/sleep";
import { albRules, type RunningGateway, startGateway } from "@cloudcafe/local/gateway";
import { freePort, waitUntil } from "@cloudcafe/local/process/net";
import { createSupervisor, type ReplicaDefinition } from "@cloudcafe/local/process/supervisor";
import { tsxCommand } from "@cloudcafe/local/process/tsx-node";
import { loadOrderServiceConfig } from "../src/config.ts";
import { startMenuService, type RunningMenuService } from "./menu-service.ts";
import { anOrder } from "./support.ts";

/*
 * The order service as `npm start` and ECS run it: two copies of the container entry (server.ts, each with its
 * outbox relay loop) behind the gateway. One is SIGKILLed under steady traffic (ecs-task-termination, 50%): no request
 * fails, the supervisor brings it back, and every order's outbox rows are delivered by the two relays.
 */
const supervisor = createSupervisor({ restartDelayMs: 100 });
let database: ReturnType<typeof createDatabase> | undefined;
let menu: RunningMenuService;
let gateway: RunningGateway;

beforeAll(async () => {
  menu = await startMenuService();
  database = createDatabase(loadOrderServiceConfig().database, { max: 1 });
  const entry = new URL("../src/server.ts", import.meta.url);
  const replicas: ReplicaDefinition[] = await Promise.all(
    [0, 1].map(async (index) => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const env = { ...process.env, PORT: String(port), HOST: "127.0.0.1", MENU_SERVICE_URL: menu.url };
      return { spawn: { name: `order service #${index + 1}`, ...tsxCommand(entry), env }, url, port, readyUrl: `${url}/ready` };
    }),
  );
  supervisor.add({ service: "order", orchestrator: "ecs", replicas });
  await supervisor.whenReady("order", 120_000);
  gateway = await startGateway({ port: 0, rules: albRules({ order: replicas.map((replica) => replica.url!) }) });
  await waitUntil("both order targets healthy", async () => gateway.control.targets("order").every((target) => target.health === "healthy"), 15_000, 50);
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await supervisor.stop(10_000);
  await menu?.stop();
  await database?.end();
});

/** Places orders (each with its own Idempotency-Key, as the console does) and reads each back, on `lanes` lanes. */
function orderTraffic(base: string, lanes = 3) {
  const failures: string[] = [];
  const placed: string[] = [];
  let running = true;
  const lane = async (id: number) => {
    for (let i = 0; running; i++) {
      try {
        const created = await fetch(`${base}/api/orders`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": `replicas-${process.pid}-${id}-${i}` },
          body: JSON.stringify(anOrder({ customerId: `replicas-${id}` })),
        });
        if (created.status !== 201) {
          failures.push(`POST ${created.status} ${await created.text()}`);
          continue;
        }
        const { orderId } = (await created.json()) as { orderId: string };
        placed.push(orderId);
        const read = await fetch(`${base}/api/orders/${orderId}`);
        if (read.status !== 200) failures.push(`GET ${read.status} ${await read.text()}`);
        else await read.body?.cancel();
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  };
  const done = Promise.all(Array.from({ length: lanes }, (_, id) => lane(id)));
  return {
    async stop() {
      running = false;
      await done;
      return { failures, placed };
    },
  };
}

it("fails no request while one of two order service copies is SIGKILLed, restarts it, and delivers every outbox row", async () => {
  const traffic = orderTraffic(gateway.url);
  await sleep(2_000);
  const killed = supervisor.kill("order", { fraction: 0.5 });
  expect(killed).toHaveLength(1);
  await waitUntil("the killed copy ready again", async () => supervisor.restarts("order")[0]?.readyAt !== undefined, 120_000, 100);
  await waitUntil("its target healthy again", async () => gateway.control.targets("order").every((target) => target.health === "healthy"), 15_000, 50);
  await sleep(1_000);
  const { failures, placed } = await traffic.stop();

  expect(failures).toEqual([]);
  expect(placed.length).toBeGreaterThan(10);
  const [restart] = supervisor.restarts("order");
  expect(restart).toMatchObject({ pid: killed[0]!.pid, exit: "SIGKILL", cause: "killed", expected: { minSeconds: 60, maxSeconds: 90 } });
  expect(restart!.recoverySeconds).toBeGreaterThan(0);

  // Rows the killed copy had leased are delivered by a relay once the lease ends (30 s).
  await waitUntil(
    "every outbox row of the placed orders delivered",
    async () => {
      const [row] = await database!.query<{ pending: number }>(
        "SELECT count(*)::int AS pending FROM outbox WHERE delivered_at IS NULL AND split_part(ordering_key, ':', 2) = ANY($1::text[])",
        [placed],
      );
      return row!.pending === 0;
    },
    60_000,
    500,
  );
  // Each order wrote its three rows (hot copy, OrderCreated, submission) once, whichever copy took it.
  const [written] = await database!.query<{ count: number }>(
    "SELECT count(*)::int AS count FROM outbox WHERE split_part(ordering_key, ':', 2) = ANY($1::text[])",
    [placed],
  );
  expect(written!.count).toBe(placed.length * 3);
}, 240_000);
