import type { hc, InferRequestType, InferResponseType } from "hono/client";
import type { MenuApp } from "@cloudcafe/menu/app";
import type { OrderApp } from "@cloudcafe/order/app";
import type { CpuScenario } from "@cloudcafe/catalog";

/**
 * What the console sends and reads, inferred from the services' routes (each declares its schemas once), so a
 * change on the server fails this build instead of drifting. Type-only: no server code reaches the bundle.
 */
export type OrderApi = ReturnType<typeof hc<OrderApp>>;
type Orders = OrderApi["api"]["orders"];
type StressRuns = Orders["stress"]["runs"];

export type MenuApi = ReturnType<typeof hc<MenuApp>>;
type Menu = MenuApi["api"]["menu"];

/** `GET /api/menu/items/:category`: the items on sale in one category, each with its options and their prices. */
export type MenuItems = InferResponseType<Menu["items"][":category"]["$get"], 200>;
export type MenuItem = MenuItems["items"][number];
export type MenuOption = MenuItem["options"][number];
export type MenuCategory = InferRequestType<Menu["items"][":category"]["$get"]>["param"]["category"];
/** `GET /api/menu/stores`: a store with its hours and whether it is open now. */
export type Store = InferResponseType<Menu["stores"]["$get"], 200>["stores"][number];

export type PlaceOrderRequest = InferRequestType<Orders["$post"]>["json"];
export type Size = PlaceOrderRequest["items"][number]["size"];
export type Order = InferResponseType<Orders[":id"]["$get"], 200>;
export type OrderStatus = Order["status"];
export type OrderPage = InferResponseType<Orders["$get"], 200>;
export type StoreQueue = InferResponseType<Orders["stores"][":storeId"]["queue"]["$get"], 200>;
export type BaristaStage = InferRequestType<Orders[":id"]["stage"]["$post"]>["json"]["stage"];

/** The CPU scenarios, each run by the service that hosts it (`cpuScenarios` in the catalog). */
export type StressScenario = CpuScenario;
/** The console always names its run, so retrying a start that got no answer returns that run instead of a second. */
export type StartStressRequest = InferRequestType<Orders["stress"][":scenario"]["$post"]>["json"] & { runId: string };
/** A run as any service's stress controls report it (one contract, `@cloudcafe/stress`). */
export type StressRun = Omit<InferResponseType<StressRuns[":id"]["$get"], 200>["run"], "scenario"> & { scenario: CpuScenario };
export type CpuSample = StressRun["samples"][number];

/** `GET /ready`: 200 when every dependency answers, 503 (same body) when degraded. */
export type Readiness = InferResponseType<OrderApi["ready"]["$get"], 200>;

/** The services' error contract, as every route declares it. */
export type ErrorBody = InferResponseType<Orders["$post"], 400>;
export type ErrorDetail = NonNullable<ErrorBody["error"]["details"]>[number];
/** Codes the client adds to the server's: the request never got an answer, or the answer was not the contract. */
export type ClientErrorCode = "NETWORK_ERROR" | "UNEXPECTED_RESPONSE";
/** The services' codes and the client's; a proxy in between may add its own (the local gateway's BAD_GATEWAY). */
export type ApiErrorCode = ErrorBody["error"]["code"] | ClientErrorCode | (string & {});
