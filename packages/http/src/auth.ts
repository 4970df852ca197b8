import { timingSafeEqual } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { AppError } from "@cloudcafe/core";

export const OPERATOR_TOKEN_HEADER = "authorization";

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Guards destructive controls (stress, chaos): `Authorization: Bearer <operator token>`.
 * 401 when no credentials are presented, 403 when they are wrong; a service without a configured
 * token refuses every destructive call rather than running them unauthenticated.
 */
export function requireOperator(operatorToken: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header(OPERATOR_TOKEN_HEADER);
    const presented = header?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!presented) throw new AppError("UNAUTHORIZED", "Operator token required (Authorization: Bearer <token>)");
    if (!operatorToken || !sameSecret(presented, operatorToken)) throw new AppError("FORBIDDEN", "Operator token rejected");
    await next();
  };
}

const OPERATOR_SECURITY_SCHEME = "operatorToken";

/** The `security` of a contract route that needs the operator token. */
export const operatorSecurity = [{ [OPERATOR_SECURITY_SCHEME]: [] }];

/** Guards every route of a group with the operator token, and declares the bearer scheme in its OpenAPI document. */
export function guardWithOperatorToken(routes: OpenAPIHono<any, any, any>, operatorToken: string | undefined): void {
  routes.use("*", requireOperator(operatorToken));
  routes.openAPIRegistry.registerComponent("securitySchemes", OPERATOR_SECURITY_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "The operator token (the `OperatorToken` secret): 401 without it, 403 when it is wrong.",
  });
}
