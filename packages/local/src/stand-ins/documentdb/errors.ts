import type { Document } from "bson";

/** MongoDB's error codes and names for the failures this stand-in reports (src/mongo/base/error_codes.yml). */
const codes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  InvalidNamespace: 73,
  CannotIndexParallelArrays: 171,
  OperationNotSupportedInTransaction: 263,
  UnsupportedOpQueryCommand: 352,
  DuplicateKey: 11000,
  /** IDL's "BSON field '<command>.<field>' is an unknown field." */
  Location40415: 40415,
  /** "Unrecognized pipeline stage name". */
  Location40324: 40324,
} as const;

export type CodeName = keyof typeof codes;

/** A command that fails: answered `{ok: 0, errmsg, code, codeName}` on the same connection, which stays open. */
export class CommandError extends Error {
  readonly code: number;
  constructor(
    readonly codeName: CodeName,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
    this.code = codes[codeName];
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

/** What the stand-in does not implement, named so that code that works here never leans on something it ignores. */
export const notSupported = (what: string, codeName: CodeName = "BadValue") =>
  new CommandError(codeName, `${what} is not supported by the local DocumentDB stand-in`);
