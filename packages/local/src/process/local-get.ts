/**
 * GET over kept-alive connections, for what the host asks its own processes again and again while idle: the gateway's
 * target health checks and the queue-age collector's reads. `fetch` (undici) spends about four times the CPU of
 * node:http per request on this kind of machine (a local GET every 4.5 s: 11 ms against 2.6 ms, client and server
 * together), and undici closes an idle connection after 4 s, so a check every 15 s opened a new one each time. Here
 * a connection stays until the server closes it (the platform's servers keep theirs 65 s, `KEEP_ALIVE_TIMEOUT_MS`).
 */
import { Agent, get, type IncomingMessage } from "node:http";

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

export interface LocalGetAnswer {
  readonly status: number;
  /** The body as text, or "" when not read (`readBody: false`). */
  readonly body: string;
}

export interface LocalGetOptions {
  /** Gives up after this long, with an error named `TimeoutError` (as `AbortSignal.timeout` names it). */
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** False: the body is drained unread (a health check needs only the status). */
  readonly readBody?: boolean;
}

const timeoutError = (url: string, timeoutMs: number) => Object.assign(new Error(`GET ${url}: no answer within ${timeoutMs} ms`), { name: "TimeoutError" });

function getOnce(url: string, options: LocalGetOptions): Promise<LocalGetAnswer & { reused: boolean }> {
  return new Promise((resolve, reject) => {
    let reused = false;
    const request = get(url, { agent, headers: options.headers }, (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      if (options.readBody === false) {
        response.resume();
        response.once("end", () => settle(() => resolve({ status, body: "", reused })));
        return;
      }
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.once("end", () => settle(() => resolve({ status, body, reused })));
    });
    const timer = setTimeout(() => request.destroy(timeoutError(url, options.timeoutMs)), options.timeoutMs);
    const settle = (done: () => void) => {
      clearTimeout(timer);
      done();
    };
    request.once("socket", () => (reused = request.reusedSocket));
    request.once("error", (error) => settle(() => reject(Object.assign(error, { reusedSocket: reused }))));
  });
}

/**
 * The answer to a GET of `url`. A kept-alive connection the server closed just as it was reused (Node's documented
 * keep-alive race) is retried once on a new one; any other failure rejects with the socket's error (`code`
 * ECONNREFUSED, ECONNRESET, ...) or a `TimeoutError`.
 */
export async function localGet(url: string, options: LocalGetOptions): Promise<LocalGetAnswer> {
  try {
    const { status, body } = await getOnce(url, options);
    return { status, body };
  } catch (error) {
    const { code, reusedSocket } = error as NodeJS.ErrnoException & { reusedSocket?: boolean };
    if (!reusedSocket || (code !== "ECONNRESET" && code !== "EPIPE")) throw error;
    const { status, body } = await getOnce(url, options);
    return { status, body };
  }
}
