/**
 * The Node engines (fauxqs, kinesalite, the Redshift Data API and DocumentDB stand-ins) run in one process: those not
 * already answering start together, those answering are reused, and a stop stops the process that serves them.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readLocalConfig } from "../src/config.ts";
import { ensureNodeServerEngines, type Engine } from "../src/engines/engine.ts";
import { kinesisEngine } from "../src/engines/kinesis.ts";
import { redshiftDataEngine } from "../src/engines/redshift-data.ts";
import { sqsSnsEngine } from "../src/engines/sqs-sns.ts";
import { stopRecordedDaemons } from "../src/process/daemons.ts";
import { freePort } from "../src/process/net.ts";
import { localPlatform } from "../src/testing/env.ts";

const base = readLocalConfig();
const stateDir = join(tmpdir(), `cloudcafe-node-engines-test-${process.pid}`);
const started: Engine[] = [];
afterAll(async () => {
  await Promise.all(started.map((engine) => engine.stop()));
  rmSync(stateDir, { recursive: true, force: true });
});

async function optionsOnFreePorts(daemon = false) {
  const ports = { ...base.ports, sqsSns: await freePort(), kinesis: await freePort(), redshiftData: await freePort() };
  return { config: { ...base, stateDir, ports }, daemon };
}

/** The pid listening on a local TCP port, as `ss` sees it. */
function pidListeningOn(port: number): number | undefined {
  const out = execFileSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8" });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  return pid ? Number(pid) : undefined;
}

const postgres = { url: localPlatform().endpoints.databaseUrl };

describe("the Node engines process", () => {
  it("serves every engine it starts from one process, and a stop stops them all", async () => {
    const options = await optionsOnFreePorts();
    const specs = [sqsSnsEngine(options), kinesisEngine(options), await redshiftDataEngine(options, postgres)];

    const engines = await ensureNodeServerEngines(specs, options);
    started.push(...engines);
    const pids = [options.config.ports.sqsSns, options.config.ports.kinesis, options.config.ports.redshiftData].map(pidListeningOn);
    const healthyWhileRunning = await Promise.all(engines.map((engine) => engine.health()));
    await engines[1]!.stop();

    expect(engines.map((engine) => engine.reused)).toEqual([false, false, false]);
    expect(healthyWhileRunning).toEqual([true, true, true]);
    expect(pids[0]).toBeTypeOf("number");
    expect(new Set(pids).size).toBe(1);
    expect(pids[0]).not.toBe(process.pid);
    expect(await Promise.all(engines.map((engine) => engine.health().catch(() => false)))).toEqual([false, false, false]);
  });

  it("reuses the engines that answer and starts only the others", async () => {
    const options = await optionsOnFreePorts();
    const [queues] = await ensureNodeServerEngines([sqsSnsEngine(options)], options);
    started.push(queues!);

    const [queuesAgain, streams] = await ensureNodeServerEngines([sqsSnsEngine(options), kinesisEngine(options)], options);
    started.push(streams!);
    await streams!.stop();

    expect(queuesAgain!.reused).toBe(true);
    expect(streams!.reused).toBe(false);
    expect(pidListeningOn(options.config.ports.kinesis)).toBeUndefined();
    // The engine reused was started by the first call: stopping the second's engines leaves it running.
    expect(await queuesAgain!.health()).toBe(true);
  });

  it("refuses a port held by something that does not answer like the engine, and starts nothing", async () => {
    const options = await optionsOnFreePorts();
    const taken = { ...options, config: { ...options.config, ports: { ...options.config.ports, kinesis: postgresPort() } } };

    await expect(ensureNodeServerEngines([sqsSnsEngine(taken), kinesisEngine(taken)], taken)).rejects.toThrow(/kinesalite \(Kinesis\): port \d+ is taken/);
    expect(pidListeningOn(options.config.ports.sqsSns)).toBeUndefined();
  });

  it("leaves daemon engines running for later runs, and stop-engines stops their process", async () => {
    const options = await optionsOnFreePorts(true);
    const engines = await ensureNodeServerEngines([sqsSnsEngine(options), kinesisEngine(options)], options);

    const stopped = await stopRecordedDaemons(stateDir);

    expect(stopped).toEqual(["Node engines (fauxqs (SQS+SNS), kinesalite (Kinesis))"]);
    expect(await Promise.all(engines.map((engine) => engine.health().catch(() => false)))).toEqual([false, false]);
  });
});

/** The machine's PostgreSQL port: open, and not answering like any of these engines. */
function postgresPort(): number {
  return Number(new URL(localPlatform().endpoints.databaseUrl).port || 5432);
}
