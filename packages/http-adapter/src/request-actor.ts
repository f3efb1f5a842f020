import type { Actor } from "@leadledger/core";

declare module "fastify" {
  interface FastifyRequest {
    /**
     * The actor the lead ledger plugin authenticated this request as (`@leadledger/http-adapter`):
     * set by the plugin's authentication hook (`onRequest`) on the plugin's own routes, so
     * the embedder's hooks of a later phase (`preHandler`, `onSend`, `onResponse`) can read
     * who acted. `null` on the host's own routes and before the plugin authenticated.
     */
    leadLedgerActor: Actor | null;
  }
}

/** The request property that carries the authenticated actor (see `FastifyRequest`). */
export const REQUEST_ACTOR = "leadLedgerActor";
