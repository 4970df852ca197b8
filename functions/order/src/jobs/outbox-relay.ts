export { handler } from "../events/outbox-relay.ts";
