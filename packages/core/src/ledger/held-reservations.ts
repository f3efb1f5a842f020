import * as E from "fp-ts/lib/Either.js";
import type { LeadError } from "../lead/errors.js";
import type { EventStore, GlobalPosition } from "../store/event-store.js";
import { RESERVATION_STREAM_PREFIX } from "./contact-identity.js";
import { CONTACT_RESERVED } from "./contact-reservations.js";
import { fromStoreError } from "./store-failure.js";

/** How many reservation events one read of the log brings in. */
const PAGE_SIZE = 10_000;

/**
 * The reservation streams a lead holds now, found without its personal data: every
 * `ContactReserved` in the log that names the lead, kept where it is still its stream's last
 * word. Reservation events name the lead in the clear, so no key is needed; but this reads
 * every reservation ever made (docs/privacy.md gives the cost), so the ledger does it only
 * to erase a lead whose personal data no longer opens (a damaged ciphertext, a lost key).
 * It finds a reservation under whichever name it was made: an e-mail's legacy name too.
 */
export const reservationsHeldBy = async (
  store: EventStore,
  leadId: string,
): Promise<E.Either<LeadError, readonly string[]>> => {
  const named = new Set<string>();
  let after: GlobalPosition | undefined;
  for (;;) {
    const page = await store.readAll({
      ...(after === undefined ? {} : { after }),
      maxCount: PAGE_SIZE,
      filter: { streamPrefixes: [RESERVATION_STREAM_PREFIX], eventTypes: [CONTACT_RESERVED] },
    });
    if (E.isLeft(page)) return E.left(fromStoreError(leadId, page.left));
    for (const event of page.right) {
      if (event.data.leadId === leadId) named.add(event.stream);
    }
    const last = page.right[page.right.length - 1];
    if (last === undefined || page.right.length < PAGE_SIZE) break;
    after = last.position;
  }
  const held: string[] = [];
  for (const stream of named) {
    const read = await store.readStream(stream, { direction: "backwards", maxCount: 1 });
    if (E.isLeft(read)) return E.left(fromStoreError(leadId, read.left));
    const last = read.right[0];
    if (last?.type === CONTACT_RESERVED && last.data.leadId === leadId) held.push(stream);
  }
  return E.right(held);
};
