import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
  RouteOptions,
} from "fastify";
import {
  httpProblem,
  invalidInput,
  PROBLEM_MEDIA_TYPE,
  type ProblemDetails,
  sendProblem,
} from "./problem.js";

/** What a body that cannot be read should have been, in words a person can act on. */
const UNREADABLE_BODY = {
  path: "body",
  expected: 'a well-formed JSON object, like {"kind": "call-on"}',
};

// Every error the server sends is an RFC 9457 problem with a stable code, whoever finds
// it: Node's HTTP parser (before Fastify sees a request), Fastify's router and body
// parsers, or the routes. None echoes the request: Fastify's own messages quote the URL or
// the body, so only fixed texts are answered.

/**
 * Fastify's own errors (the router's and the body parsers', mostly 4xx) in the problem
 * vocabulary, or `undefined` for an error that is a bug of ours.
 */
export const problemOfFrameworkError = (error: FastifyError): ProblemDetails | undefined => {
  switch (error.code) {
    case "FST_ERR_BAD_URL":
      return invalidInput(
        [{ path: "path", expected: "a percent-encoded path" }],
        "The path is not a valid URL path",
      );
    case "FST_ERR_MAX_PARAM_LENGTH":
      return httpProblem("http.uri-too-long");
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return httpProblem("http.payload-too-large");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_TYPE":
      return httpProblem("http.unsupported-media-type");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return invalidInput([UNREADABLE_BODY], "The JSON body is empty");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return invalidInput([UNREADABLE_BODY], "The body is not valid JSON");
  }
  const status = error.statusCode;
  if (status === 413) return httpProblem("http.payload-too-large");
  if (status === 414) return httpProblem("http.uri-too-long");
  if (status === 415) return httpProblem("http.unsupported-media-type");
  // @fastify/rate-limit's refusal, thrown after it set Retry-After.
  if (status === 429) return httpProblem("http.rate-limited");
  if (status !== undefined && status >= 400 && status < 500) {
    return invalidInput([UNREADABLE_BODY], "The request could not be read");
  }
  return undefined;
};

/**
 * The error handler of every scope: a framework error as its problem; anything else is a
 * bug, logged without the request body and answered `http.internal` without details.
 */
export const answerErrorAsProblem = (
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply => {
  const problem = problemOfFrameworkError(error);
  if (problem !== undefined) return sendProblem(reply, problem);
  request.log.error(
    { err: { type: error.name, code: error.code, stack: error.stack } },
    "unexpected error",
  );
  return sendProblem(reply, httpProblem("http.internal"));
};

/**
 * Whether the bytes the parser choked on hold a request line longer than the header
 * fields after it. Node's limit (`maxHeaderSize`, 16 KiB) counts the request line and the
 * headers together; the larger part is the one to blame.
 */
const requestLineOverflowed = (raw: unknown): boolean => {
  if (!Buffer.isBuffer(raw) || !/^[A-Z]+ /.test(raw.subarray(0, 16).toString("latin1"))) {
    return false;
  }
  const lineEnd = raw.indexOf("\r\n");
  return lineEnd < 0 || lineEnd > raw.length - lineEnd;
};

/**
 * What Node's HTTP parser refused, as a problem: the parser answers before any request
 * exists, so these are written to the socket by hand. A head over the size limit is an
 * over-long URL (414) when its request line is the bulk of it, else over-large headers
 * (431).
 */
export const problemOfClientError = (error: NodeJS.ErrnoException): ProblemDetails => {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return httpProblem(
        requestLineOverflowed((error as { rawPacket?: unknown }).rawPacket)
          ? "http.uri-too-long"
          : "http.headers-too-large",
      );
    case "ERR_HTTP_REQUEST_TIMEOUT":
    case "ERR_HTTP_HEADERS_TIMEOUT":
      return httpProblem("http.request-timeout");
    default:
      return httpProblem("http.bad-request");
  }
};

/**
 * The `clientError` listener of the HTTP server (Fastify's `clientErrorHandler`): writes
 * the parser's refusal as a problem and closes the connection, as Node's own handler does
 * with a bare 400.
 */
export function answerClientError(
  this: FastifyInstance | undefined,
  error: NodeJS.ErrnoException,
  socket: Duplex,
): void {
  // A reset connection has nobody left to answer.
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const problem = problemOfClientError(error);
  // A response already under way on this connection cannot be followed by another.
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && inFlight?.headersSent !== true) {
    const body = JSON.stringify(problem);
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ""}\r\n` +
        `Content-Type: ${PROBLEM_MEDIA_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        "X-Content-Type-Options: nosniff\r\n" +
        "Connection: close\r\n\r\n" +
        body,
    );
  }
  socket.destroy(error);
}

/**
 * The Fastify options under which every error is a problem, for whoever builds the Fastify
 * instance (the standalone server, or an embedder): the router's refusals of a path that
 * does not decode (`FST_ERR_BAD_URL`) or of a parameter over `maxParamLength`
 * (`FST_ERR_MAX_PARAM_LENGTH`), and the HTTP parser's refusals (malformed requests, 431,
 * 414, 408). The plugin cannot set these: they belong to the instance.
 *
 * @example
 * ```ts
 * const app = Fastify({ ...problemServerOptions, logger: true });
 * ```
 */
export const problemServerOptions = {
  frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
    answerErrorAsProblem(error, request, reply),
  clientErrorHandler: answerClientError,
} satisfies Pick<FastifyServerOptions, "frameworkErrors" | "clientErrorHandler">;

/** The methods each route of a scope answers, to tell 405 from 404. */
export interface RouteMethods {
  /** Records a route as Fastify registers it (an `onRoute` hook). */
  record(route: RouteOptions): void;
  /** The methods the routes matching a request path answer, empty when none matches. */
  allowed(path: string): readonly string[];
}

/** A registry of routes by path pattern (`/leads/:leadId`: one segment per parameter). */
export const routeMethods = (): RouteMethods => {
  const routes: { readonly pattern: RegExp; readonly methods: Set<string> }[] = [];
  const byUrl = new Map<string, Set<string>>();
  return {
    record(route) {
      let methods = byUrl.get(route.url);
      if (methods === undefined) {
        methods = new Set();
        byUrl.set(route.url, methods);
        const source = route.url
          .split("/")
          .map((segment) =>
            segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
          )
          .join("/");
        routes.push({ pattern: new RegExp(`^${source}$`), methods });
      }
      for (const method of [route.method].flat()) methods.add(method);
    },
    allowed(path) {
      const methods = new Set<string>();
      for (const route of routes) {
        if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
      }
      return [...methods].sort();
    },
  };
};

/**
 * Answers a request no route took: 405 with `Allow` when the path has routes for other
 * methods, else 404. Neither names the path.
 */
export const answerUnrouted = (
  routes: RouteMethods,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply => {
  const path = request.url.split("?")[0] ?? "";
  const allowed = routes.allowed(path);
  if (allowed.length === 0) return sendProblem(reply, httpProblem("http.not-found"));
  reply.header("allow", allowed.join(", "));
  return sendProblem(reply, httpProblem("http.method-not-allowed"));
};
