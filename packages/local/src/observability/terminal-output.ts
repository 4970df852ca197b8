/**
 * What `npm start` prints of its processes' output: EMF documents go to the metrics sink and are not printed; log lines
 * are printed readably in a terminal (time, level, service, message, a few fields, the trace id's first 8 characters)
 * and as JSON lines otherwise or with LOG_FORMAT=json (a line that is not JSON becomes a log entry of its process).
 */

export type LogFormat = "pretty" | "json";

/** LOG_FORMAT (`json` or `pretty`) when set, otherwise readable in a terminal and JSON when piped. */
export function logFormatFor(env: NodeJS.ProcessEnv, isTty: boolean): LogFormat {
  const chosen = env.LOG_FORMAT?.toLowerCase();
  if (chosen === "json" || chosen === "pretty") return chosen;
  return isTty ? "pretty" : "json";
}

const LEVEL_COLOURS: Record<string, string> = { DEBUG: "\x1b[90m", INFO: "\x1b[36m", WARN: "\x1b[33m", ERROR: "\x1b[31m" };
const RESET = "\x1b[0m";
const DIM = "\x1b[2m";
/** The fields every entry has; the rest are shown as key=value after the message. */
const HEADLINE = new Set(["timestamp", "level", "service", "trace_id", "customer_id", "message"]);
const MAX_FIELDS_LENGTH = 240;

function fieldText(value: unknown): string {
  if (value && typeof value === "object" && "message" in value && typeof (value as { message: unknown }).message === "string") {
    return JSON.stringify((value as { message: string }).message);
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return /[\s"]/.test(text) ? JSON.stringify(text) : text;
}

/** One log entry as a line for people: `12:03:04.567 INFO  order-service  message key=value  trace=0af76519`. */
export function prettyLogLine(entry: Record<string, unknown>, colour: boolean): string {
  const time = typeof entry.timestamp === "string" && entry.timestamp.length >= 23 ? entry.timestamp.slice(11, 23) : new Date().toISOString().slice(11, 23);
  const level = String(entry.level ?? "INFO").toUpperCase();
  const fields = Object.entries(entry)
    .filter(([key, value]) => !HEADLINE.has(key) && value !== null && value !== undefined)
    .map(([key, value]) => `${key}=${fieldText(value)}`)
    .join(" ");
  const shortFields = fields.length > MAX_FIELDS_LENGTH ? `${fields.slice(0, MAX_FIELDS_LENGTH)}…` : fields;
  const trace = typeof entry.trace_id === "string" ? ` trace=${entry.trace_id.slice(0, 8)}` : "";
  const paint = (code: string | undefined, text: string) => (colour && code ? `${code}${text}${RESET}` : text);
  return [
    paint(DIM, time),
    paint(LEVEL_COLOURS[level], level.padEnd(5)),
    String(entry.service ?? "-").padEnd(18),
    String(entry.message ?? ""),
    shortFields && paint(DIM, shortFields),
    trace && paint(DIM, trace.trim()),
  ]
    .filter(Boolean)
    .join(" ");
}

function parseLogEntry(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === "object" && !Array.isArray(value) && "message" in value ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface TerminalOutputOptions {
  readonly format: LogFormat;
  /** Records an EMF document and says so; anything else is printed. */
  readonly ingestMetrics: (line: string) => boolean;
  readonly write?: (text: string) => void;
  readonly colour?: boolean;
}

/** Sorts and prints the lines of the platform's processes; `source` names the process a line came from. */
export function createTerminalOutput(options: TerminalOutputOptions) {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const colour = options.colour ?? false;
  return {
    line(line: string, source: string, stream: "stdout" | "stderr" = "stdout"): void {
      if (line.trim() === "" || options.ingestMetrics(line)) return;
      const entry = parseLogEntry(line);
      if (options.format === "json") {
        const asJson = entry
          ? line
          : JSON.stringify({ timestamp: new Date().toISOString(), level: stream === "stderr" ? "WARN" : "INFO", service: source, trace_id: null, message: line });
        return write(asJson + "\n");
      }
      write(prettyLogLine(entry ?? { level: stream === "stderr" ? "WARN" : "INFO", service: source, message: line }, colour) + "\n");
    },
  };
}

export type TerminalOutput = ReturnType<typeof createTerminalOutput>;
