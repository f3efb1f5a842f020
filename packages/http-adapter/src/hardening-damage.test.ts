import type { EventStore } from "@leadledger/core";
import { afterEach, describe, expect, it } from "vitest";
import { as, problemOf, testApp, uniqueCaptureBody } from "./test-app.test-fixture.js";

// Issue 12, item 10, over HTTP: a lead whose stored ciphertext is damaged is read as a clear
// problem (409, never a 5xx), and its erasure still succeeds.

/** The plugin over an in-memory store that damages every capture's ciphertext as it is written. */
const damagingApp = () =>
  testApp({
    ledgerStore: (inner): EventStore => ({
      ...inner,
      appendToStream: (stream, events, options) =>
        inner.appendToStream(
          stream,
          events.map((event) => {
            if (event.type !== "LeadCaptured") return event;
            const sealed = event.data.personal as { alg: string; box: string };
            const box = Buffer.from(sealed.box, "base64");
            box[20] = (box[20] ?? 0) ^ 0xff;
            return {
              ...event,
              data: { ...event.data, personal: { ...sealed, box: box.toString("base64") } },
            };
          }),
          options,
        ),
    }),
  });

let close: () => Promise<void> = async () => {};
afterEach(async () => {
  await close();
});

describe("a lead whose stored ciphertext is damaged", () => {
  it("reads as a 409 problem for who reaches it, 404 for others, and is still erased", async () => {
    const t = await damagingApp();
    close = t.close;
    const body = uniqueCaptureBody({ repId: "rep-1", department: "east" });
    const created = await t.app.inject({
      method: "POST",
      url: "/leads",
      headers: as("rep"),
      payload: body,
    });
    expect(created.statusCode).toBe(201);
    const leadId: string = created.json().leadId;

    for (const path of ["", "/history"]) {
      const read = await t.app.inject({ url: `/leads/${leadId}${path}`, headers: as("rep") });
      expect(read.statusCode).toBe(409);
      expect(read.headers["content-type"]).toContain("application/problem+json");
      expect(problemOf(read)).toMatchObject({ code: "history.undecodable", leadId });
      const hidden = await t.app.inject({
        url: `/leads/${leadId}${path}`,
        headers: as("southHead"),
      });
      expect(problemOf(hidden)).toMatchObject({ status: 404, code: "lead.not-found" });
    }

    const erased = await t.app.inject({
      method: "POST",
      url: `/leads/${leadId}/purge`,
      headers: { ...as("head"), "idempotency-key": "erase" },
      payload: { erasureRequest: true },
    });
    expect(erased.statusCode).toBe(200);
    expect(erased.json().events.map((event: { type: string }) => event.type)).toEqual([
      "LeadPurged",
    ]);
    // Erased: nothing personal is left to read, and the person is on the suppression list.
    const after = await t.app.inject({ url: `/leads/${leadId}`, headers: as("rep") });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ stage: "purged", personal: { redacted: true } });
    const again = await t.app.inject({
      method: "POST",
      url: "/leads",
      headers: { ...as("rep"), "idempotency-key": "again" },
      payload: {
        ...uniqueCaptureBody({ repId: "rep-1", department: "east" }),
        contact: body.contact,
      },
    });
    expect(problemOf(again)).toMatchObject({ status: 409, code: "lead.suppressed" });
  });
});
