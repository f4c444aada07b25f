import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { TrafficRecord } from '../records/traffic-record';
import { createRng, type Rng } from '../util/random';
import { ROUTER, SENSORS } from './home-network.hosts';
import { dnsDirect, dnsLookup, httpExternal, https, iotCloud, ntp, ping, quic, streaming, videoCall } from './internet.scenarios';
import { dhcp, iotLocal, ipp, lanWeb, mdns, routerPollsNas, smb, ssdp } from './lan.scenarios';
import { exponential, weightedIndex, type Session } from './session';
import { sessionFlow, sessionPackets } from './session.emitter';

export interface HomeNetworkOptions {
  seed: number;
  /** Records returned: packets for kind 'packet', conn records for 'flow'. */
  count: number;
  /** Epoch ms of the first session; fixed by default so samples are reproducible. */
  start?: number;
  kind?: 'packet' | 'flow';
}

/** Monday 2024-01-15 18:00 UTC: an evening at home. */
export const DEFAULT_SAMPLE_START = Date.UTC(2024, 0, 15, 18, 0, 0);

type Scenario = (rng: Rng, start: number) => Session[];

/** Sessions started by people and OS background activity, at random times; weights are relative. */
const BACKGROUND: readonly (readonly [Scenario, number])[] = [
  [dnsLookup, 20],
  [dnsDirect, 4],
  [(rng, t) => https(rng, t), 20],
  [(rng, t) => quic(rng, t), 10],
  [httpExternal, 3],
  [lanWeb, 6],
  [smb, 3],
  [ntp, 3],
  [mdns, 6],
  [ssdp, 3],
  [streaming, 5],
  [dhcp, 1],
  [(rng, t) => ping(rng, t), 2],
  [ipp, 1],
  [videoCall, 0.2],
];
const BACKGROUND_WEIGHTS = BACKGROUND.map(([, w]) => w);
/** Mean gap between background sessions (ms): a busy evening, ~10 conversations a second. */
const MEAN_GAP_MS = 100;

interface PeriodicJob {
  every: number;
  next: number;
  run: Scenario;
}

/** Machines on timers: the router's dashboard polling the NAS, sensor telemetry, the WAN health ping. */
function periodicJobs(rng: Rng, start: number): PeriodicJob[] {
  const job = (every: number, run: Scenario): PeriodicJob => ({ every, next: start + rng.next() * every, run });
  return [
    job(2_000, routerPollsNas),
    ...SENSORS.map((s, i) => job(5_000, (r, t) => (i === 2 ? iotLocal(r, t, s) : iotCloud(r, t, s)))),
    job(30_000, (r, t) => ping(r, t, ROUTER, '8.8.8.8')),
  ];
}

function validate(o: HomeNetworkOptions): void {
  if (!Number.isInteger(o.count) || o.count < 0) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'count must be a non-negative integer', { count: o.count });
  }
  if (!Number.isFinite(o.seed)) throw new AppError(ErrorCode.BAD_USER_INPUT, 'seed must be a finite number', { seed: o.seed });
  if (o.start !== undefined && !Number.isFinite(o.start)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'start must be epoch milliseconds', { start: o.start });
  }
}

/** The endless, time-ordered stream of session starts: timers and random background activity interleaved. */
class SessionSchedule {
  private readonly jobs: PeriodicJob[];
  private nextBackground: number;

  constructor(
    private readonly rng: Rng,
    start: number,
  ) {
    this.jobs = periodicJobs(rng, start);
    this.nextBackground = start + exponential(rng, MEAN_GAP_MS);
  }

  /** Start time of the next sessions; nothing later generated can begin before it. */
  get nextStart(): number {
    return Math.min(this.nextBackground, ...this.jobs.map((j) => j.next));
  }

  next(): Session[] {
    const rng = this.rng;
    const job = this.jobs.reduce((a, b) => (b.next < a.next ? b : a));
    if (job.next <= this.nextBackground) {
      const sessions = job.run(rng, job.next);
      job.next += job.every * (0.9 + 0.2 * rng.next());
      return sessions;
    }
    const sessions = BACKGROUND[weightedIndex(rng, BACKGROUND_WEIGHTS)][0](rng, this.nextBackground);
    this.nextBackground += exponential(rng, MEAN_GAP_MS);
    return sessions;
  }
}

const byTime = (a: TrafficRecord, b: TrafficRecord) => (a.timestamp ?? 0) - (b.timestamp ?? 0);

/**
 * Seeded, realistic traffic of a small home network (see home-network.hosts.ts
 * for the cast). The same options always give the same records, and a smaller
 * count gives a prefix of a larger one; timestamps never decrease. It is the
 * project's sample data and the default profile's first training set.
 */
export function generateHomeNetworkTraffic(options: HomeNetworkOptions): TrafficRecord[] {
  validate(options);
  const schedule = new SessionSchedule(createRng(options.seed), options.start ?? DEFAULT_SAMPLE_START);
  const emit = options.kind === 'flow' ? (s: Session) => [sessionFlow(s)] : sessionPackets;
  const records: TrafficRecord[] = [];
  while (records.length < options.count) for (const s of schedule.next()) records.push(...emit(s));
  if (records.length === 0) return records;
  // Sessions overlap, so a session starting later may still own packets that belong among the first
  // `count`: keep going until no future session can start before the last record we return.
  records.sort(byTime);
  const cutoff = records[options.count - 1].timestamp ?? 0;
  while (schedule.nextStart <= cutoff) for (const s of schedule.next()) records.push(...emit(s));
  // A stable sort interleaves the sessions' packets without reordering equal timestamps.
  return records.sort(byTime).slice(0, options.count);
}
