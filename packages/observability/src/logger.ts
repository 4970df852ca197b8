import { currentContext } from "./context.ts";
import { writeStdoutLine } from "./output.ts";

export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";
const rank: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Where lines go; stdout by default (CloudWatch Logs collects it on Lambda, ECS, EKS and the EC2 agent). */
  write?: (line: string) => void;
}

function levelFromEnv(): LogLevel {
  const value = (process.env.LOG_LEVEL ?? "INFO").toUpperCase();
  return value in rank ? (value as LogLevel) : "INFO";
}

function serialiseError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  return { name: error.name, message: error.message, stack: error.stack, ...("code" in error ? { code: error.code } : {}) };
}

/**
 * One JSON object per line: timestamp, level, service, trace_id, customer_id, message, then fields.
 * The trace and customer ids come from the async context, so handlers never thread them by hand.
 */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = rank[options.level ?? levelFromEnv()];
  const write = options.write ?? writeStdoutLine;
  const log = (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (rank[level] < threshold) return;
    const { traceId, customerId, ...rest } = currentContext();
    const entry: Record<string, unknown> = {
      timestamp: new Date().toISOString(),
      level,
      service: options.service,
      trace_id: traceId ?? null,
      customer_id: customerId ?? null,
      message,
      ...rest,
    };
    for (const [key, value] of Object.entries(fields)) entry[key] = key === "error" ? serialiseError(value) : value;
    write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => log("DEBUG", m, f),
    info: (m, f) => log("INFO", m, f),
    warn: (m, f) => log("WARN", m, f),
    error: (m, f) => log("ERROR", m, f),
  };
}
