import type { VerifyProgress } from "@leadledger/sqlite-adapter";
import type { OutputStream } from "./cli-io.js";
import { type ProgressBar, startProgressBar } from "./progress-bar.js";

const LABELS: Record<VerifyProgress["pass"], string> = {
  histories: "checking streams and chains",
  checkpoints: "checking the log against its checkpoints",
};

/**
 * Draws a verification's progress: one bar a pass over the events, each out of
 * `eventCount`. Returns the handler for the worker's reports and the function that ends
 * the last bar.
 */
export const verificationProgress = (
  out: OutputStream,
  eventCount: number,
): { readonly onProgress: (progress: VerifyProgress) => void; readonly end: () => void } => {
  let pass: VerifyProgress["pass"] | undefined;
  let bar: ProgressBar | undefined;
  let events = 0;
  return {
    onProgress(progress) {
      // A new pass, or the same pass over another backup (a restore checks two).
      if (progress.pass !== pass || progress.events < events) {
        bar?.finish();
        pass = progress.pass;
        bar = startProgressBar(out, { label: LABELS[pass], total: eventCount, unit: "events" });
      }
      events = progress.events;
      bar?.update(progress.events);
    },
    end() {
      bar?.finish();
      bar = undefined;
    },
  };
};
