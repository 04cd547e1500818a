// A progress display for long work: a live bar with rate and ETA on a terminal, plain lines otherwise (logs, CI).
import cliProgress from 'cli-progress';

export interface ProgressView {
  update(done: number, total: number, detail: string): void;
  stop(): void;
}

export function createProgressView(
  label: string,
  options: { stream?: NodeJS.WriteStream; plainIntervalMs?: number; plain?: boolean } = {},
): ProgressView {
  const stream = options.stream ?? process.stderr;
  const interval = options.plainIntervalMs ?? 2000;
  let started = 0;
  let startDone: number | undefined;
  const rateAndEta = (done: number, total: number) => {
    if (startDone === undefined) {
      startDone = done;
      started = performance.now();
    }
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? (done - startDone) / seconds : 0;
    const eta = rate > 0 ? Math.round((total - done) / rate) : undefined;
    return { rate, eta };
  };
  if (stream.isTTY && !options.plain) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} {bar} {value}/{total} | {rate}/s | ETA {eta_formatted} | {detail}`,
        stream,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let begun = false;
    return {
      update(done, total, detail) {
        const { rate } = rateAndEta(done, total);
        if (!begun) {
          bar.start(total, done, { rate: rate.toFixed(1), detail });
          begun = true;
        } else bar.update(done, { rate: rate.toFixed(1), detail });
        bar.setTotal(total);
      },
      stop: () => begun && bar.stop(),
    };
  }
  let last = 0;
  let lastLine = '';
  let lastPrinted = '';
  const line = (done: number, total: number, detail: string) => {
    const { rate, eta } = rateAndEta(done, total);
    return `${label}: ${done}/${total} (${detail}) ${rate.toFixed(1)}/s ETA ${eta === undefined ? '?' : `${eta}s`}`;
  };
  return {
    update(done, total, detail) {
      const now = performance.now();
      lastLine = line(done, total, detail);
      const key = `${done}/${total} ${detail}`;
      if ((now - last >= interval || done === total) && key !== lastPrinted) {
        last = now;
        lastPrinted = key;
        stream.write(lastLine + '\n');
        lastLine = '';
      }
    },
    stop() {
      if (lastLine) stream.write(lastLine + '\n');
    },
  };
}
