/**
 * glibc's malloc gives each thread that allocates an arena of its own, up to 8 per core, and keeps what is freed in
 * them: a Node process's V8 helper and libuv threads left 40-80 MB of anonymous memory each way. Two arenas hold the
 * platform's Node processes about 5 MB smaller each, in all about 50 MB less RSS, at no measurable CPU cost: their
 * allocations are almost all on the main thread. Every process the platform spawns gets it unless the environment
 * already says otherwise; `npm start` sets it for the host in package.json, and the bench for the host it spawns.
 */
export const MALLOC_ARENAS_ENV = { MALLOC_ARENA_MAX: "2" } as const;

/** `env` with MALLOC_ARENA_MAX set unless it already is. */
export function withMallocArenas(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.MALLOC_ARENA_MAX ? env : { ...env, ...MALLOC_ARENAS_ENV };
}
