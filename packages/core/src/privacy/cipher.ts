import { createCipheriv, createDecipheriv } from "node:crypto";
import * as t from "io-ts";
import { secureRandomBytes } from "./secure-random.js";

/** The size of a lead's data key: AES-256. */
export const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * An encrypted personal part as it is stored: AES-256-GCM under the lead's data key, the
 * lead id and event type bound in as associated data so a ciphertext cannot be moved to
 * another lead or event. `box` is base64 of iv (12 bytes) ‖ ciphertext ‖ tag (16 bytes):
 * one string, because decoding three was a third of the cost of reading a lead.
 */
export const SealedPersonal = t.strict(
  { alg: t.literal("A256GCM"), box: t.string },
  "SealedPersonal",
);
export type SealedPersonal = t.TypeOf<typeof SealedPersonal>;

/** A fresh random data key for a new lead. */
export const newDataKey = (): Uint8Array => secureRandomBytes(DATA_KEY_BYTES);

const associatedData = (leadId: string, eventType: string): Buffer =>
  Buffer.from(`leadledger:v1:${leadId}:${eventType}`, "utf8");

/** Encrypts the JSON of a personal part under the lead's key. */
export const sealPersonal = (
  key: Uint8Array,
  leadId: string,
  eventType: string,
  personal: unknown,
): SealedPersonal => {
  const iv = secureRandomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(leadId, eventType));
  const box = Buffer.concat([
    iv,
    cipher.update(JSON.stringify(personal), "utf8"),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return { alg: "A256GCM", box: box.toString("base64") };
};

/**
 * Decrypts a personal part. `undefined` when the ciphertext does not authenticate under
 * this key for this lead and event type (tampered, or sealed for another lead).
 */
export const openPersonal = (
  key: Uint8Array,
  leadId: string,
  eventType: string,
  sealed: SealedPersonal,
): unknown => {
  const box = Buffer.from(sealed.box, "base64");
  if (box.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, box.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData(leadId, eventType));
    decipher.setAuthTag(box.subarray(box.length - TAG_BYTES));
    const head = decipher.update(box.subarray(IV_BYTES, box.length - TAG_BYTES));
    const tail = decipher.final();
    const plain = tail.length === 0 ? head : Buffer.concat([head, tail]);
    return JSON.parse(plain.toString("utf8"));
  } catch {
    // GCM authentication failure is the expected way a wrong key or a tampered
    // ciphertext shows itself; the caller reports it as undecodable history.
    return undefined;
  }
};
