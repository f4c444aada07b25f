import type { CaptureStatus } from '../../capture/capture.manager';
import { numberOption, parseCommandArgs, PROFILE_OPTIONS, profileRef, required } from './args';
import { withServices } from './cli-services';

export const CAPTURE_USAGE = `Usage: netsentinel capture --interface IFACE --profile P [--site S] [--bpf FILTER] [--seconds N]

Captures live on IFACE with tcpdump and scores every packet or flow (by the profile's kind) as
it comes; anomalies are stored and published like any other. Runs until Ctrl-C (or N seconds),
then scores what is left and prints a summary. Needs tcpdump, and root or a tcpdump with the
cap_net_raw capability.
  --bpf FILTER   a BPF filter, e.g. "not port 22"
  --seconds N    stop after N seconds`;

const OPTIONS = {
  interface: { type: 'string' },
  ...PROFILE_OPTIONS,
  bpf: { type: 'string' },
  seconds: { type: 'string' },
} as const;

/** A status line per second on a terminal, every ten seconds in a log. */
const TICK_MS = 1000;
const LOG_EVERY_TICKS = 10;

/** Exit code 1 when the capture failed (tcpdump died), else 0. */
export async function captureCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, OPTIONS, CAPTURE_USAGE);
  const iface = required(values.interface, '--interface', CAPTURE_USAGE);
  const profile = profileRef(values, CAPTURE_USAGE);
  const seconds = numberOption(values.seconds, '--seconds');
  return withServices(async (services) => {
    const { captures } = services;
    await captures.start({ interface: iface, profile, bpf: values.bpf });
    process.stderr.write(`capturing on ${iface} for profile ${profile.name}${values.bpf ? ` (${values.bpf})` : ''}; Ctrl-C stops\n`);
    await untilDone(() => captures.status(iface)[0], seconds);
    const last = captures.status(iface)[0];
    const final = last.state === 'RUNNING' ? await captures.stop(iface) : last;
    process.stdout.write(formatCaptureSummary(final));
    return final.state === 'FAILED' ? 1 : 0;
  });
}

/** Waits for Ctrl-C, SIGTERM, the time limit or the capture ending by itself, showing the counters meanwhile. */
async function untilDone(status: () => CaptureStatus, seconds: number | undefined): Promise<void> {
  const out = process.stderr;
  let ticks = 0;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const deadline = seconds === undefined ? undefined : setTimeout(stop, seconds * 1000);
  const ticker = setInterval(() => {
    const s = status();
    if (s.state !== 'RUNNING') stop();
    else if (out.isTTY) out.write(`\r${counters(s)}\x1b[K`);
    else if (++ticks % LOG_EVERY_TICKS === 0) out.write(`${counters(s)}\n`);
  }, TICK_MS);
  try {
    await stopped;
  } finally {
    clearInterval(ticker);
    clearTimeout(deadline);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (out.isTTY) out.write('\n');
  }
}

function counters(s: CaptureStatus): string {
  return `${s.packets} packets, ${s.flows} flows, ${s.records} scored, ${s.anomalies} anomalies, ${s.drops} dropped`;
}

function formatCaptureSummary(s: CaptureStatus): string {
  const seconds = ((s.stoppedAt ?? new Date()).getTime() - s.startedAt.getTime()) / 1000;
  const lines = [
    `capture on ${s.interface} for profile ${s.profile}: ${s.state}${s.error ? ` (${s.error})` : ''}`,
    `  packets    ${s.packets}`,
    `  flows      ${s.flows}`,
    `  scored     ${s.records}${s.unscored > 0 ? ` (${s.unscored} lost to scoring errors)` : ''}`,
    `  anomalies  ${s.anomalies}`,
    `  dropped    ${s.drops} (by the kernel)`,
    `  time       ${seconds.toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
}
