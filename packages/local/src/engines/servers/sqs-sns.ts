/**
 * Child-process entry: fauxqs (SQS + SNS) on 127.0.0.1:<port>.
 *
 * fauxqs builds queue URLs as http://sqs.<region>.localhost:<port>/..., a host that does not resolve on Linux,
 * and the SDK sends requests to the queue URL's host. With the store's host cleared, queue URLs use the request's
 * own Host (http://127.0.0.1:<port>/000000000000/<name>), i.e. the same origin as AWS_ENDPOINT_URL_SQS, as on AWS.
 * The store class is not exported, so it is loaded from the pinned package's dist folder.
 */
import { buildApp } from "fauxqs";

type BuildAppStores = NonNullable<NonNullable<Parameters<typeof buildApp>[0]>["stores"]>;
interface SqsStoreLike {
  host: string;
}

const port = Number(process.argv[2]);
if (!Number.isInteger(port)) throw new Error("usage: sqs-sns.ts <port>");

const storeModule = new URL("./sqs/sqsStore.js", import.meta.resolve("fauxqs"));
const { SqsStore } = (await import(storeModule.href)) as { SqsStore: new () => SqsStoreLike };
const sqsStore = new SqsStore();
if (sqsStore.host !== "localhost") throw new Error("fauxqs internals changed: SqsStore.host is not the expected default");
sqsStore.host = "";

const app = buildApp({ logger: false, stores: { sqsStore } as unknown as BuildAppStores });
await app.listen({ port, host: "127.0.0.1" });
console.log(`fauxqs (SQS + SNS) listening on http://127.0.0.1:${port}`);

const close = () => void app.close().finally(() => process.exit(0));
process.once("SIGTERM", close);
process.once("SIGINT", close);
