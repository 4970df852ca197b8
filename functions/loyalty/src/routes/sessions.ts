import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { createSessionSchema, type LoyaltyService, sessionSchema } from "@cloudcafe/core";
import { contractRoutes, errorResponses, jsonBody, jsonContent } from "@cloudcafe/http";

export const SESSION_COOKIE = "cloudcafe_loyalty_session";
/** The cookie goes back only to the loyalty API, never to the other services behind the same host. */
const COOKIE_PATH = "/api/loyalty";

const tags = ["sessions"];
const setCookieHeader = z.object({ "Set-Cookie": z.string().describe(`${SESSION_COOKIE}: HttpOnly, SameSite=Strict, Path=${COOKIE_PATH}`) });

const create = createRoute({
  method: "post",
  path: "/",
  tags,
  summary: "Sign a customer in to the console",
  description: "Saves the profile, starts a session in Redis (sliding 30 minutes) and sets its opaque id as an HttpOnly, SameSite=Strict cookie.",
  request: { body: jsonBody(createSessionSchema) },
  responses: {
    201: { description: "Signed in", headers: setCookieHeader, content: jsonContent(sessionSchema) },
    ...errorResponses("VALIDATION_FAILED", "MALFORMED_JSON", "UNSUPPORTED_MEDIA_TYPE", "DEPENDENCY_UNAVAILABLE"),
  },
});

const current = createRoute({
  method: "get",
  path: "/current",
  tags,
  summary: "The signed-in customer; each call renews the session for another 30 minutes",
  description: "204 when nobody is signed in (no cookie, or its session expired or ended): the console's first look, not a failure.",
  responses: {
    200: { description: "The session", headers: setCookieHeader, content: jsonContent(sessionSchema) },
    204: { description: "Nobody is signed in" },
    ...errorResponses("DEPENDENCY_UNAVAILABLE"),
  },
});

const end = createRoute({
  method: "delete",
  path: "/current",
  tags,
  summary: "Sign out: the session is deleted and the cookie cleared",
  responses: { 204: { description: "Signed out (also when there was no session)" }, ...errorResponses("DEPENDENCY_UNAVAILABLE") },
});

/** Secure whenever the browser talks HTTPS to the edge (CloudFront; the gateway locally speaks HTTP). */
const isHttps = (c: Context) => (c.req.header("x-forwarded-proto") ?? new URL(c.req.url).protocol.replace(":", "")) === "https";

function sendCookie(c: Context, sessionId: string, ttlSeconds: number) {
  setCookie(c, SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: "Strict", path: COOKIE_PATH, maxAge: ttlSeconds, secure: isHttps(c) });
}

function clearCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH, httpOnly: true, sameSite: "Strict", secure: isHttps(c) });
}

/** POST /, GET /current and DELETE /current, mounted at /api/loyalty/sessions. */
export function sessionRoutes(service: LoyaltyService, ttlSeconds: number) {
  return contractRoutes()
    .openapi(create, async (c) => {
      const { sessionId, session } = await service.signIn(c.req.valid("json"));
      sendCookie(c, sessionId, ttlSeconds);
      return c.json(session, 201);
    })
    .openapi(current, async (c) => {
      const sessionId = getCookie(c, SESSION_COOKIE);
      const session = await service.currentSession(sessionId);
      if (!session) {
        if (sessionId) clearCookie(c);
        return c.body(null, 204);
      }
      // The cookie slides with the session, so the browser keeps it as long as Redis does.
      sendCookie(c, sessionId!, ttlSeconds);
      return c.json(session, 200);
    })
    .openapi(end, async (c) => {
      await service.signOut(getCookie(c, SESSION_COOKIE));
      clearCookie(c);
      return c.body(null, 204);
    });
}
