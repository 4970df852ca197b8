/**
 * How `npm start` runs the menu service on a quiet laptop, in its environment variables (a value already in `env`
 * wins): its DocumentDB client closes after 60 s without a menu read or write (DOCUMENTDB_IDLE_CLOSE_SECONDS) and
 * opens again at the next one. While open, the MongoDB driver checks its pool's minimum size every 100 ms whatever
 * that minimum is (an interval the client does not let a program set), which was most of the idle menu's CPU. A read
 * served from the cache counts as use, so the driver's monitor still watches the cluster while the menu serves.
 * Deployed the setting is absent and the client stays open.
 */
export function localMenuSettings(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { DOCUMENTDB_IDLE_CLOSE_SECONDS: env.DOCUMENTDB_IDLE_CLOSE_SECONDS ?? "60" };
}
