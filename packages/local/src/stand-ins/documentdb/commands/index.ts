import { checkDatabaseName } from "../collections.ts";
import { CommandError } from "../errors.ts";
import type { TypedDocument } from "../values.ts";
import { adminCommands } from "./admin.ts";
import type { CommandContext, CommandHandler } from "./arguments.ts";
import { readCommands } from "./reads.ts";
import { serverInfoCommands } from "./server-info.ts";
import { writeCommands } from "./writes.ts";

export type { CommandContext } from "./arguments.ts";

const handlers: Record<string, CommandHandler> = { ...serverInfoCommands, ...readCommands, ...writeCommands, ...adminCommands };

export const SUPPORTED_COMMANDS = Object.keys(handlers);

/** Runs an OP_MSG command; every failure is a `{ok: 0}` reply (the connection stays usable). */
export async function runCommand(command: TypedDocument, context: Omit<CommandContext, "database">): Promise<TypedDocument> {
  const [name] = Object.keys(command);
  try {
    const handler = name === undefined ? undefined : Object.hasOwn(handlers, name) ? handlers[name] : undefined;
    if (!handler) {
      throw new CommandError("CommandNotFound", `no such command: '${name ?? ""}' (the local DocumentDB stand-in implements ${SUPPORTED_COMMANDS.join(", ")})`);
    }
    if (command.$db === undefined) throw new CommandError("FailedToParse", "OP_MSG requests require a $db argument");
    return await handler(command, { ...context, database: checkDatabaseName(command.$db) });
  } catch (error) {
    if (error instanceof CommandError) return error.toReply();
    console.error(`[documentdb stand-in] ${name ?? "?"} failed`, error);
    return new CommandError("InternalError", error instanceof Error ? error.message : String(error)).toReply();
  }
}
