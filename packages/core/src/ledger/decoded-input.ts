import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import type { LeadError } from "../lead/errors.js";
import { leadError } from "../lead/errors.js";
import { inputProblemsOf } from "../lead/input-problems.js";

/**
 * Decodes what a caller handed the ledger: the value, or `input.invalid` with the paths at
 * fault, each under `prefix` (`actor`, `command`, `leadId`, `asOf`).
 */
export const decodeInput = <A>(
  codec: { readonly decode: (input: unknown) => t.Validation<A> },
  input: unknown,
  prefix: string,
): E.Either<LeadError, A> => {
  const result = codec.decode(input);
  return E.isLeft(result)
    ? E.left(leadError("input.invalid", { problems: inputProblemsOf(result.left, prefix) }))
    : E.right(result.right);
};
