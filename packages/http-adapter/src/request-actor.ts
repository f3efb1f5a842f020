import type { Actor } from "@leadledger/core";

/**
 * What the plugin adds to every Fastify request of the host (`FastifyRequest` is
 * augmented with it when `@leadledger/http-adapter` is imported).
 */
export interface LeadLedgerRequest {
  /**
   * The actor the lead ledger plugin authenticated this request as (`@leadledger/http-adapter`):
   * set by the plugin's authentication hook (`onRequest`) on the plugin's own routes, so
   * the embedder's hooks of a later phase (`preHandler`, `onSend`, `onResponse`) can read
   * who acted. `null` on the host's own routes and before the plugin authenticated.
   */
  leadLedgerActor: Actor | null;
}

// Named (not written out inside the augmentation) so that the API report, which does not
// follow module augmentations, still shows what the plugin adds to the host's requests.
declare module "fastify" {
  interface FastifyRequest extends LeadLedgerRequest {}
}

/** The request property that carries the authenticated actor (see `FastifyRequest`). */
export const REQUEST_ACTOR = "leadLedgerActor";
