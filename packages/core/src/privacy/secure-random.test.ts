import { describe, expect, it } from "vitest";
import { secureRandomBytes, withSecureRandomBytes } from "./secure-random.js";

describe("secureRandomBytes", () => {
  it("hands out the size asked for, never the same bytes twice, across refills of its pool", () => {
    const seen = new Set<string>();
    // 4,000 × 12 bytes runs through the 4 KiB pool about a dozen times.
    for (let n = 0; n < 4_000; n++) {
      const bytes = secureRandomBytes(12);
      expect(bytes.length).toBe(12);
      seen.add(bytes.toString("hex"));
    }
    expect(seen.size).toBe(4_000);
  });

  it("gives each caller its own copy", () => {
    const first = secureRandomBytes(32);
    const copy = Buffer.from(first);
    first.fill(0);
    secureRandomBytes(32).fill(0xff);
    expect(copy.equals(Buffer.alloc(32))).toBe(false);
    expect(Buffer.from(first).equals(Buffer.alloc(32))).toBe(true);
  });

  it("serves sizes larger than its pool and size 0", () => {
    const large = secureRandomBytes(10_000);
    expect(large.length).toBe(10_000);
    expect(large.equals(Buffer.alloc(10_000))).toBe(false);
    expect(secureRandomBytes(0).length).toBe(0);
  });

  it("is spread over every byte value", () => {
    const counts = new Array<number>(256).fill(0);
    for (const byte of secureRandomBytes(256 * 400)) counts[byte] = (counts[byte] ?? 0) + 1;
    // 400 expected per value; a fair source stays within ±40% with near certainty.
    for (const count of counts) {
      expect(count).toBeGreaterThan(240);
      expect(count).toBeLessThan(560);
    }
  });

  it("refuses a size that is not a whole number of bytes", () => {
    expect(() => secureRandomBytes(-1)).toThrow(RangeError);
    expect(() => secureRandomBytes(1.5)).toThrow(RangeError);
  });
});

describe("withSecureRandomBytes", () => {
  it("lends fresh bytes and zeroes them once the borrower returns", () => {
    let lent: Uint8Array | undefined;
    const copy = withSecureRandomBytes(32, (bytes) => {
      lent = bytes;
      return Buffer.from(bytes);
    });
    expect(copy.equals(Buffer.alloc(32))).toBe(false);
    expect(lent !== undefined && Buffer.from(lent).equals(Buffer.alloc(32))).toBe(true);
  });

  it("zeroes the bytes when the borrower throws, and lends others next time", () => {
    let lent: Uint8Array | undefined;
    expect(() =>
      withSecureRandomBytes(16, (bytes) => {
        lent = bytes;
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(lent !== undefined && Buffer.from(lent).equals(Buffer.alloc(16))).toBe(true);
    const seen = new Set<string>();
    for (let n = 0; n < 1_000; n++) {
      seen.add(withSecureRandomBytes(16, (bytes) => Buffer.from(bytes).toString("hex")));
    }
    expect(seen.size).toBe(1_000);
  });
});

describe("secureRandomBytes' memory", () => {
  it("gives each answer memory of its own, not a share of Node's buffer slab", () => {
    const key = secureRandomBytes(32);
    expect(key.byteOffset).toBe(0);
    expect(key.buffer.byteLength).toBe(32);
  });
});
