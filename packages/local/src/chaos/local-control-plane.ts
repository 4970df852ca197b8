import { join } from "node:path";
import { CACHE_FAULT_AGENT_ENV, FAULTS_URL_ENV } from "@cloudcafe/adapters";
import { createLogger } from "@cloudcafe/observability";
import type { LocalConfig } from "../config.ts";
import { memoryDbServerArgs } from "../engines/memorydb.ts";
import type { LocalPlatform } from "../platform.ts";
import { type ChaosControlPlane, createChaosControlPlane } from "./control-plane.ts";
import { localFaultInjectors, type PlatformControls, platformFaultInjectors } from "./local-injectors.ts";
import { CHAOS_PATH_PREFIX } from "./routes.ts";
import { type RunningChaosServer, startChaosServer } from "./server.ts";

export interface LocalChaos {
  readonly controlPlane: ChaosControlPlane;
  readonly server: RunningChaosServer;
  /** For the platform's processes: where they read the active application faults. */
  readonly env: Record<string, string>;
  /** The gateway rule that routes the API to the control plane. */
  readonly pathPatterns: readonly string[];
  /** Plugs in the compute and network faults once the supervisor and the gateway run. */
  plugControls(controls: PlatformControls): void;
  /** Faults a previous run left in force and this one undid. */
  readonly recovered: readonly string[];
  /** Reverts every fault in force and stops the API (npm start's shutdown, before anything else stops). */
  stop(): Promise<void>;
}

/**
 * `npm start`'s chaos control plane: the local mechanism of every fault the platform can run, on the engines
 * `npm start` uses (its database, cache, MemoryDB and DocumentDB stand-ins), the supervisor's and the gateway's
 * controls when given; first undoes what a previous run that was killed left in force.
 */
export async function startLocalChaos(options: {
  readonly platform: LocalPlatform;
  readonly config: LocalConfig;
  readonly operatorToken: string | undefined;
  /** Whether an alarm is in ALARM (the local metrics sink): a fault's stop alarm refuses its injection and reverts it. */
  readonly alarmFiring?: (alarm: string) => Promise<boolean>;
}): Promise<LocalChaos> {
  const { platform, config } = options;
  const logger = createLogger({ service: "chaos-control-plane" });
  const memoryDbUrl = new URL(platform.endpoints.memoryDbUrl);
  const injectors = localFaultInjectors({
    databaseUrl: platform.endpoints.databaseUrl,
    cacheUrl: platform.endpoints.redisUrl,
    // Only the stand-in this platform runs is restarted; a MEMORYDB_URL server is someone else's.
    ...(process.env.MEMORYDB_URL ? {} : { memoryDb: { url: platform.endpoints.memoryDbUrl, serverArgs: memoryDbServerArgs(memoryDbUrl.hostname, Number(memoryDbUrl.port), config.stateDir) } }),
    ...(config.mongodbUrl ? {} : { documentDbUrl: `mongodb://${config.host}:${config.ports.documentDb}/` }),
  });
  const controlPlane = createChaosControlPlane({
    injectors,
    journalFile: join(config.stateDir, "chaos-faults-in-force.json"),
    logger,
    ...(options.alarmFiring ? { alarmFiring: options.alarmFiring, stopAlarmPollMs: 1_000 } : {}),
  });
  const recovered = await controlPlane.recoverAbandoned();
  const server = await startChaosServer({ controlPlane, operatorToken: options.operatorToken, logger, port: config.ports.chaos, host: config.host });
  return {
    controlPlane,
    server,
    // The cache faults are this control plane's to cause (it leaves them out of the document), so the order copies'
    // cache fault agent, which would read the document every 5 s for them, does not run.
    env: { [FAULTS_URL_ENV]: server.faultsDocumentUrl, [CACHE_FAULT_AGENT_ENV]: "off" },
    pathPatterns: [CHAOS_PATH_PREFIX, `${CHAOS_PATH_PREFIX}/*`],
    recovered,
    plugControls: (controls) => controlPlane.plug(platformFaultInjectors(controls)),
    async stop() {
      await controlPlane.close();
      await server.stop();
    },
  };
}
