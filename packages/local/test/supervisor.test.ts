import { afterEach, describe, expect, it } from "vitest";
import { orchestrators } from "@cloudcafe/catalog";
import { sleep } from "@cloudcafe/core/sleep";
import { albRules, startGateway, type RunningGateway } from "../src/gateway.ts";
import { isProcessAlive } from "../src/process/alive.ts";
import { freePort, isPortOpen, waitUntil } from "../src/process/net.ts";
import { createSupervisor, type ReplicaDefinition, type Supervisor } from "../src/process/supervisor.ts";
import { tsxCommand } from "../src/process/tsx-node.ts";

const replicaServer = new URL("./support/replica-server.ts", import.meta.url);

/** Copies of the fixture service, each on a free port of its own. */
async function fixtureReplicas(count: number): Promise<ReplicaDefinition[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      return { spawn: { name: `fixture #${index + 1}`, ...tsxCommand(replicaServer), env: { ...process.env, PORT: String(port) } }, url, port, readyUrl: `${url}/ready` };
    }),
  );
}

/** A copy that exits on its own: at once (a crash loop), or after `afterMs` with code 0. */
const exiting = (afterMs: number, code = 0): ReplicaDefinition => ({
  spawn: { name: "exiting", command: process.execPath, args: ["-e", `setTimeout(() => process.exit(${code}), ${afterMs})`] },
});

/** Requests one after another on `lanes` lanes until `stop()`; every status, and which copy (pid) answered. */
function steadyTraffic(base: string, lanes = 4) {
  const results: { status: number; pid?: number; error?: string }[] = [];
  let running = true;
  const lane = async (id: number) => {
    for (let i = 0; running; i++) {
      try {
        const response = await fetch(`${base}/api/orders/lane-${id}-${i}`);
        const body = (await response.json()) as { pid?: number };
        results.push({ status: response.status, ...(body.pid ? { pid: body.pid } : {}) });
      } catch (error) {
        results.push({ status: 0, error: (error as Error).message });
      }
      await sleep(5);
    }
  };
  const done = Promise.all(Array.from({ length: lanes }, (_, id) => lane(id)));
  return {
    results,
    async stop() {
      running = false;
      await done;
      return results;
    },
  };
}

let supervisor: Supervisor | undefined;
let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  await supervisor?.stop(2_000);
  gateway = undefined;
  supervisor = undefined;
});

describe("the local supervisor", () => {
  it("keeps two copies behind the gateway serving while one is SIGKILLed, restarts it and records the restart", async () => {
    supervisor = createSupervisor({ restartDelayMs: 100 });
    const replicas = await fixtureReplicas(2);
    supervisor.add({ service: "order", orchestrator: "ecs", replicas });
    await supervisor.whenReady("order", 30_000);
    gateway = await startGateway({ port: 0, rules: albRules({ order: replicas.map((replica) => replica.url!) }) });
    await waitUntil("both targets healthy", async () => gateway!.control.targets("order").every((target) => target.health === "healthy"), 10_000, 50);

    const traffic = steadyTraffic(gateway.url);
    await sleep(1_000);
    const [killed, ...others] = supervisor.kill("order", { fraction: 0.5 });
    expect(others).toEqual([]);
    await waitUntil("the killed copy ready again", async () => supervisor!.restarts("order")[0]?.readyAt !== undefined, 30_000, 50);
    await waitUntil("its target healthy again", async () => gateway!.control.targets("order").every((target) => target.health === "healthy"), 10_000, 50);
    await sleep(1_000);
    const results = await traffic.stop();

    expect(results.filter((result) => result.status !== 200)).toEqual([]);
    expect(results.length).toBeGreaterThan(50);
    const [restart] = supervisor.restarts("order");
    expect(restart).toMatchObject({ service: "order", index: killed!.index, pid: killed!.pid, exit: "SIGKILL", cause: "killed", loss: "host-loss" });
    expect(restart!.expected).toEqual(orchestrators.ecs.recovery["host-loss"]);
    expect(restart!.expected).toMatchObject({ minSeconds: 60, maxSeconds: 90 });
    expect(restart!.newPid).not.toBe(killed!.pid);
    expect(restart!.recoverySeconds).toBeGreaterThan(0);
    expect(Date.parse(restart!.readyAt!)).toBeGreaterThan(Date.parse(restart!.diedAt));
    expect(isProcessAlive(killed!.pid)).toBe(false);
    // Traffic reached the new copy once it was back, beside the copy that was never killed.
    const servedBy = new Set(results.map((result) => result.pid));
    expect(servedBy).toContain(restart!.newPid);
    expect(supervisor.replicas("order").map((replica) => replica.state)).toEqual(["ready", "ready"]);
  });

  it("restarts a copy that keeps exiting at once after doubling delays (a crash loop backs off)", async () => {
    supervisor = createSupervisor({ restartDelayMs: 100, maxRestartDelayMs: 800, stableMs: 5_000 });
    supervisor.add({ service: "crashing", orchestrator: "kubernetes", replicas: [exiting(0, 3)] });
    await waitUntil("five exits", async () => supervisor!.restarts("crashing").length >= 5, 20_000, 50);

    const restarts = supervisor.restarts("crashing").slice(0, 5);
    expect(restarts.map((restart) => restart.restartDelayMs)).toEqual([200, 400, 800, 800, 800]);
    expect(restarts.every((restart) => restart.exit === 3 && restart.cause === "exited" && restart.loss === "process-exit")).toBe(true);
    expect(restarts.every((restart) => restart.readyAt === undefined)).toBe(true);
    // The gaps between exits grow with the delays.
    const diedAt = restarts.map((restart) => Date.parse(restart.diedAt));
    expect(diedAt[2]! - diedAt[1]!).toBeGreaterThan(diedAt[1]! - diedAt[0]!);
    expect(supervisor.replicas("crashing")[0]!.crashesInRow).toBeGreaterThanOrEqual(5);
  });

  it("restarts a worker without HTTP that exits with 0 (Restart=always), ready once it has run a moment", async () => {
    supervisor = createSupervisor({ restartDelayMs: 100, settleMs: 300 });
    supervisor.add({ service: "worker", orchestrator: "ec2-asg", replicas: [exiting(1_500)] });
    await supervisor.whenReady("worker", 10_000);
    await waitUntil("the worker back after its exit", async () => supervisor!.restarts("worker")[0]?.readyAt !== undefined, 10_000, 50);

    const [restart] = supervisor.restarts("worker");
    expect(restart).toMatchObject({ exit: 0, cause: "exited", loss: "process-exit", expected: orchestrators["ec2-asg"].recovery["process-exit"] });
    expect(restart!.recoverySeconds).toBeGreaterThanOrEqual(0.3);
    expect(restart!.recoverySeconds).toBeLessThan(5);
  });

  it("a kill that stands for a pod eviction (SIGTERM) waits the reschedule delay it is given before the copy starts again", async () => {
    supervisor = createSupervisor({ restartDelayMs: 100, settleMs: 200 });
    supervisor.add({ service: "menu", orchestrator: "kubernetes", replicas: [exiting(60_000), exiting(60_000)] });
    await supervisor.whenReady("menu", 10_000);

    const killed = supervisor.kill("menu", { fraction: 1, signal: "SIGTERM", restartDelayMs: 1_500 });
    expect(killed.map((copy) => copy.index).sort()).toEqual([0, 1]);
    await waitUntil("both copies back", async () => supervisor!.restarts("menu").every((restart) => restart.readyAt !== undefined) && supervisor!.restarts("menu").length === 2, 10_000, 50);

    const restarts = supervisor.restarts("menu");
    expect(restarts).toHaveLength(2);
    for (const restart of restarts) {
      expect(restart).toMatchObject({ exit: "SIGTERM", cause: "killed", loss: "host-loss", restartDelayMs: 1_500, expected: orchestrators.kubernetes.recovery["host-loss"] });
      expect(Date.parse(restart.restartedAt!) - Date.parse(restart.diedAt)).toBeGreaterThanOrEqual(1_400);
      expect(restart.recoverySeconds).toBeGreaterThanOrEqual(1.5);
    }
  });

  it("restarts nothing on a graceful stop", async () => {
    supervisor = createSupervisor({ restartDelayMs: 50 });
    const replicas = await fixtureReplicas(2);
    supervisor.add({ service: "order", orchestrator: "ecs", replicas });
    await supervisor.whenReady("order", 30_000);
    const pids = supervisor.replicas("order").map((replica) => replica.pid!);

    await supervisor.stop(5_000);
    await sleep(500);

    expect(supervisor.restarts()).toEqual([]);
    expect(supervisor.replicas("order").map((replica) => replica.state)).toEqual(["stopped", "stopped"]);
    expect(pids.some(isProcessAlive)).toBe(false);
    for (const replica of replicas) expect(await isPortOpen("127.0.0.1", replica.port!)).toBe(false);
    expect(supervisor.kill("order")).toEqual([]);
  });
});
