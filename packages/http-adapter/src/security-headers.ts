import type { FastifyInstance } from "fastify";
import helmet from "helmet";

// helmet's defaults, with the page of Swagger UI in mind: it loads its own scripts and
// styles and inlines a few styles.
const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    directives: {
      "script-src": ["'self'"],
      "style-src": ["'self'", "'unsafe-inline'"],
      "img-src": ["'self'", "data:"],
    },
  },
} as const;

/**
 * helmet's security headers on every answer. helmet's middleware is built once, here:
 * `@fastify/helmet` builds it anew for each request (parsing the content security policy
 * every time), which cost a capture about 15 µs (docs/benchmarks.md).
 */
export const addSecurityHeaders = (app: FastifyInstance): void => {
  const setHeaders = helmet(HELMET_OPTIONS);
  app.addHook("onRequest", (request, reply, done) => {
    setHeaders(request.raw, reply.raw, (error) => done(error instanceof Error ? error : undefined));
  });
};
