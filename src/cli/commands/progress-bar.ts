const WIDTH = 30;
/** Without a terminal (logs, CI, tests) a line per tenth keeps the output short but alive. */
const STEP = 0.1;

export interface ProgressBar {
  update(fraction: number, text: string): void;
  done(): void;
}

/** A one-line bar redrawn in place on a terminal; plain lines otherwise. */
export function progressBar(out: NodeJS.WriteStream, label: string): ProgressBar {
  let lastStep = -1;
  let drawn = false;
  return {
    update(fraction, text) {
      const f = Math.min(1, Math.max(0, fraction));
      const percent = `${Math.floor(f * 100)}`.padStart(3);
      if (out.isTTY) {
        const filled = Math.round(f * WIDTH);
        out.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${percent}% ${text}\x1b[K`);
        drawn = true;
        return;
      }
      const step = Math.floor(f / STEP);
      if (step === lastStep) return;
      lastStep = step;
      out.write(`${label} ${percent}% ${text}\n`);
    },
    done() {
      if (drawn) out.write('\n');
    },
  };
}
