import { randomBytes, randomUUID } from "node:crypto";
import type { Callback, Context } from "aws-lambda";

export interface LambdaContextOptions {
  readonly functionName: string;
  readonly region: string;
  readonly memoryLimitMb: number;
  readonly timeoutMs: number;
}

const localAccount = "000000000000";

function unsupported(name: string): never {
  throw new Error(`context.${name}() is not supported locally: return a promise from the handler instead`);
}

/** A Lambda `Context` shaped like the real one, with a deadline that `getRemainingTimeInMillis` counts down to. */
export function lambdaContext(options: LambdaContextOptions): Context {
  const deadline = Date.now() + options.timeoutMs;
  const day = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${options.region}:${localAccount}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString("hex")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => unsupported("done"),
    fail: () => unsupported("fail"),
    succeed: () => unsupported("succeed"),
  };
}

/** A Lambda handler of any event: async (returns a promise) or callback style. */
export type LambdaHandler<Event, Result> = (event: Event, context: Context, callback: Callback<Result>) => void | Promise<Result>;

/** Invokes a handler as the Lambda runtime does: its promise, or its callback, whichever it answers with. */
export function callHandler<Event, Result>(handler: LambdaHandler<Event, Result>, event: Event, context: Context): Promise<Result> {
  return new Promise((resolve, reject) => {
    const callback: Callback<Result> = (error, result) => (error ? reject(error) : resolve(result as Result));
    try {
      const returned = handler(event, context, callback);
      if (returned) returned.then(resolve, reject);
    } catch (error) {
      reject(error);
    }
  });
}
