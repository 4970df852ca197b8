/** The part of kinesalite's (untyped) API the local platform uses. */
declare module "kinesalite" {
  import type { Server } from "node:http";
  interface KinesaliteOptions {
    path?: string;
    ssl?: boolean;
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
  }
  export default function kinesalite(options?: KinesaliteOptions): Server;
}
