/**
 * A target group as an ALB keeps one: each target's health from active checks of the service's health path (a new
 * target needs one passing check, an unhealthy one `healthyThreshold` in a row, a healthy one turns unhealthy after
 * `unhealthyThreshold` failures) and passively from traffic (a refused connection marks it unhealthy at once), and
 * round-robin over the healthy targets. Local intervals are short so a restart is seen within a second or two; while
 * nothing is routed and every target is healthy they stretch (`idleIntervalMs`), so an idle platform is quiet, and the
 * first request puts them back.
 * When no target is healthy it fails open as an ALB does ("Health checks for your target groups": with only unhealthy
 * targets it routes to all of them), except to targets that refuse connections (a stopped copy, as ECS deregisters a
 * stopped task): with nothing else left, `pick` finds no target and the gateway answers 503.
 */
import { sleep } from "@cloudcafe/core/sleep";
import { localGet } from "./process/local-get.ts";

export interface HealthCheckSettings {
  readonly intervalMs: number;
  /**
   * The interval while the group is idle: no request routed for `idleAfterMs` and every target healthy, none made
   * unreachable. A request routed resumes `intervalMs` at once. Without it, `intervalMs` always.
   */
  readonly idleIntervalMs?: number;
  readonly idleAfterMs?: number;
  readonly timeoutMs: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/**
 * Locally: every 500 ms while traffic flows, every 15 s after 10 s without any (as the deployed target groups check:
 * every 15 s, healthy after 2, unhealthy after 2), 2 s to answer. A group without traffic of its own (the loyalty
 * service's, in a game day) would see a killed copy only after two 15 s checks, when the supervisor has long restarted
 * it, so `npm start` tells the gateway of every copy that stops (`GatewayControl.targetStopped`), as an Auto Scaling
 * group or ECS deregisters a terminated instance or stopped task: it is unhealthy at once and checked every 500 ms.
 */
export const LOCAL_HEALTH_CHECK: HealthCheckSettings = { intervalMs: 500, idleIntervalMs: 15_000, idleAfterMs: 10_000, timeoutMs: 2_000, healthyThreshold: 2, unhealthyThreshold: 2 };

/** `initial`: registered, not checked yet (routed to only while no target is healthy); then `healthy` or `unhealthy`. */
export type TargetHealth = "initial" | "healthy" | "unhealthy";

/**
 * A target made unreachable on purpose (security group ingress revoked): `timeout` (packets dropped: connections and
 * checks time out) or `refuse` (connections refused at once).
 */
export type Blackhole = "timeout" | "refuse";

export interface TargetStatus {
  readonly url: string;
  readonly health: TargetHealth;
  /** Why it is unhealthy: the last failed check or the refused connection. */
  readonly reason?: string;
  readonly since: string;
  readonly blackhole?: Blackhole;
}

interface Target {
  readonly url: string;
  health: TargetHealth;
  reason?: string;
  since: number;
  passes: number;
  failures: number;
  blackhole?: Blackhole;
  checking?: Promise<void>;
  /** Nothing accepted its last connection (a check's or a request's): never routed to by failing open. */
  refused: boolean;
}

export interface TargetGroup {
  readonly service: string;
  readonly healthPath: string;
  statuses(): TargetStatus[];
  /** The next target, round robin over the healthy ones (the `initial` ones while none is healthy), skipping `exclude`. */
  pick(exclude?: ReadonlySet<string>): string | undefined;
  /** Passive health: the connection was refused, so the target is unhealthy until its checks pass again. */
  markRefused(url: string, reason: string): void;
  /** Makes `url` unreachable (`mode`), or reachable again (undefined). */
  setBlackhole(url: string, mode: Blackhole | undefined): void;
  blackholeOf(url: string): Blackhole | undefined;
  /** One round of checks now (the timer runs them every `intervalMs`). */
  checkAll(): Promise<void>;
  stop(): void;
}

/** As an ALB's health checks name themselves (`ELB-HealthChecker/2.0`), so a service's logs can tell them apart. */
export const HEALTH_CHECKER_USER_AGENT = "ELB-HealthChecker/2.0 (CloudCafe local gateway)";

async function passes(url: string, timeoutMs: number): Promise<{ ok: boolean; reason?: string }> {
  try {
    const { status } = await localGet(url, { headers: { "user-agent": HEALTH_CHECKER_USER_AGENT }, timeoutMs, readBody: false });
    return status === 200 ? { ok: true } : { ok: false, reason: `health check answered ${status}` };
  } catch (error) {
    return { ok: false, reason: `health check failed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).name}` };
  }
}

export function createTargetGroup(options: {
  readonly service: string;
  readonly targets: readonly string[];
  readonly healthPath: string;
  readonly healthCheck?: HealthCheckSettings;
}): TargetGroup {
  const settings = options.healthCheck ?? LOCAL_HEALTH_CHECK;
  const targets: Target[] = options.targets.map((url) => ({ url, health: "initial", since: Date.now(), passes: 0, failures: 0, refused: false }));
  let turn = 0;

  const find = (url: string) => targets.find((target) => target.url === url);
  const become = (target: Target, health: TargetHealth, reason?: string) => {
    if (target.health !== health) target.since = Date.now();
    target.health = health;
    target.reason = reason;
  };

  async function check(target: Target): Promise<void> {
    let result: { ok: boolean; reason?: string };
    if (target.blackhole === "timeout") {
      await sleep(settings.timeoutMs);
      result = { ok: false, reason: "health check timed out (ingress revoked)" };
    } else if (target.blackhole === "refuse") {
      result = { ok: false, reason: "health check refused (ingress revoked)" };
    } else {
      result = await passes(`${target.url}${options.healthPath}`, settings.timeoutMs);
    }
    target.refused = !result.ok && /refused|ECONNREFUSED/.test(result.reason ?? "");
    if (result.ok) {
      target.failures = 0;
      target.passes++;
      // A new target needs one passing check, as an ALB's does; an unhealthy one needs the threshold.
      if (target.health === "initial" || (target.health === "unhealthy" && target.passes >= settings.healthyThreshold)) become(target, "healthy");
    } else {
      target.passes = 0;
      target.failures++;
      if (target.health === "healthy" && target.failures < settings.unhealthyThreshold) return;
      if (target.health === "initial" && target.failures < settings.unhealthyThreshold) return;
      become(target, "unhealthy", result.reason);
    }
  }

  // One check per target at a time: a target that times out does not hold back the others' checks.
  const checkAll = () =>
    Promise.all(
      targets.map((target) => {
        target.checking ??= check(target).finally(() => (target.checking = undefined));
        return target.checking;
      }),
    ).then(() => undefined);
  let lastRoutedAt = Date.now();
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const idleNow = () =>
    settings.idleIntervalMs !== undefined &&
    Date.now() - lastRoutedAt >= (settings.idleAfterMs ?? 0) &&
    targets.every((target) => target.health === "healthy" && !target.blackhole);
  const schedule = () => {
    if (stopped) return;
    idle = idleNow();
    timer = setTimeout(() => {
      void checkAll();
      schedule();
    }, idle ? settings.idleIntervalMs : settings.intervalMs);
    timer.unref();
  };
  /** A target turned unhealthy or faulty while idle: the next check comes at the interval that now applies. */
  const leaveIdleInterval = () => {
    if (!idle) return;
    clearTimeout(timer);
    schedule();
  };
  /** Traffic again after an idle spell: a check now, then the short interval from now on. */
  const routed = () => {
    lastRoutedAt = Date.now();
    if (!idle) return;
    void checkAll();
    leaveIdleInterval();
  };
  void checkAll();
  schedule();

  return {
    service: options.service,
    healthPath: options.healthPath,
    statuses: () =>
      targets.map((target) => ({
        url: target.url,
        health: target.health,
        ...(target.reason ? { reason: target.reason } : {}),
        since: new Date(target.since).toISOString(),
        ...(target.blackhole ? { blackhole: target.blackhole } : {}),
      })),
    pick(exclude = new Set()) {
      routed();
      const open = (health: TargetHealth) => targets.filter((target) => target.health === health && !exclude.has(target.url));
      const healthy = open("healthy");
      const initial = healthy.length > 0 ? healthy : open("initial");
      const candidates = initial.length > 0 ? initial : open("unhealthy").filter((target) => !target.refused);
      if (candidates.length === 0) return undefined;
      return candidates[turn++ % candidates.length]!.url;
    },
    markRefused(url, reason) {
      const target = find(url);
      if (!target) return;
      target.passes = 0;
      target.refused = true;
      become(target, "unhealthy", reason);
      // An unhealthy target is checked at the short interval, so its return is seen within a second.
      leaveIdleInterval();
    },
    setBlackhole(url, mode) {
      const target = find(url);
      if (!target) throw new Error(`${url} is not a target of ${options.service}`);
      target.blackhole = mode;
      // A fault in force is watched at the short interval.
      leaveIdleInterval();
    },
    blackholeOf: (url) => find(url)?.blackhole,
    checkAll,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
