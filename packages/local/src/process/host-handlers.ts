/**
 * The Lambda handlers `npm start`'s host process runs in process (its queue and stream pollers), by their path in the
 * repository: the launcher (`cli/launch.mjs`) compiles them together with the host, so the host imports them compiled.
 */
import { localEventSourceMappings } from "../event-source/mappings.ts";
import { localStreamEventSourceMappings } from "../event-source/stream-mappings.ts";

export function hostHandlerModules(): string[] {
  return [...new Set([...localEventSourceMappings, ...localStreamEventSourceMappings].map((mapping) => mapping.handlerModule))];
}
