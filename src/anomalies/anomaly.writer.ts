import type { Logger } from 'pino';
import { isDatabaseUnavailable, withDeadline } from '../db/availability';
import type { AnomalyRepository, NewAnomaly } from './anomaly.repository';

export interface AnomalyWriterOptions {
  /** Anomalies held in memory while the database is down; beyond this new ones are dropped (and counted). */
  max: number;
  /** Longest wait between two tries to write the held anomalies (the wait doubles from RETRY_MIN_MS up to this). */
  retryMaxMs: number;
  /** A write that has not answered by then is treated as failed (and repeated later: writes are idempotent). */
  writeTimeoutMs: number;
}

export interface AnomalyBufferStats {
  /** Anomalies waiting in memory for the database. */
  buffered: number;
  /** The bound on `buffered`. */
  max: number;
  /** Anomalies lost since start: the buffer was full, the database refused them, or shutdown came first. */
  dropped: number;
  /** Anomalies written from the buffer once the database was back. */
  flushed: number;
  /** `down` from a write the database could not take until the retry loop gets one through. */
  database: 'ok' | 'down';
}

const RETRY_MIN_MS = 100;
/** Rows per INSERT when writing out the buffer. */
const CHUNK = 1_000;

type Outcome = { outcome: 'written' } | { outcome: 'unavailable'; err: unknown } | { outcome: 'refused'; err: unknown };
/** The outcome of writing the first `rows` held anomalies. */
type Attempt = Outcome & { rows: number };

/**
 * Stores anomalies so that a database outage costs no detection and loses
 * nothing (up to `max`): a write the database cannot take is kept in memory
 * and written, oldest first, by a retry loop with exponential backoff once the
 * database answers again. Each anomaly carries its own uid and the insert skips
 * uids already stored, so a write repeated after an ambiguous failure (a
 * connection dropped after the commit, a timeout) stores every anomaly once.
 */
export class AnomalyWriter {
  private readonly queue: NewAnomaly[] = [];
  private dropped = 0;
  private flushed = 0;
  private loop?: Promise<void>;
  /** A write of the buffer's head that timed out but may still finish: waited for, never sent twice at once. */
  private pending?: { rows: number; attempt: Promise<Outcome> };
  private stopped = false;
  /** From a write the database could not take until one it took: new anomalies go straight to the buffer meanwhile. */
  private down = false;
  /** The buffer filled up during this outage (logged once per outage, not per request). */
  private full = false;
  /** Held anomalies still to be written one by one: their batch was refused, and one bad row must not sink the others. */
  private singly = 0;
  private wake?: () => void;

  constructor(
    private readonly repo: AnomalyRepository,
    private readonly options: AnomalyWriterOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * Resolves once the rows are stored, or held for later when the database is
   * unavailable. Rejects only when the database refused them for another reason.
   */
  async write(rows: readonly NewAnomaly[]): Promise<void> {
    if (rows.length === 0) return;
    // No request waits on a database the retry loop knows is down. Once it is back, new
    // anomalies are written at once again while the loop catches up with the held ones
    // (their order does not matter: each carries its own time).
    if (this.down || this.stopped) {
      this.hold(rows);
      return;
    }
    try {
      await withDeadline(this.repo.insertMany(rows), this.options.writeTimeoutMs, 'storing anomalies');
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      if (!this.down) this.logger.warn({ err }, 'database unavailable: holding anomalies in memory until it is back');
      this.down = true;
      this.hold(rows);
    }
  }

  stats(): AnomalyBufferStats {
    return {
      buffered: this.queue.length,
      max: this.options.max,
      dropped: this.dropped,
      flushed: this.flushed,
      database: this.down ? 'down' : 'ok',
    };
  }

  /**
   * For shutdown: tries to write out what is held for at most `timeoutMs`,
   * then stops; anything still held is logged as lost.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.queue.length > 0) {
      this.logger.info({ anomalies: this.queue.length }, 'writing held anomalies before exit');
      this.interruptBackoff();
      await Promise.race([this.loop, sleep(timeoutMs)]);
    }
    this.stopped = true;
    this.interruptBackoff();
    await this.loop;
    if (this.queue.length > 0) {
      this.dropped += this.queue.length;
      this.logger.error({ anomalies: this.queue.length }, 'database still unavailable at shutdown: held anomalies are lost');
      this.queue.length = 0;
    }
  }

  private hold(rows: readonly NewAnomaly[]): void {
    const room = Math.max(0, this.options.max - this.queue.length);
    for (let i = 0; i < Math.min(room, rows.length); i++) this.queue.push(rows[i]);
    if (rows.length > room) {
      // The newest are refused, not the oldest: those may be in a write already under way.
      if (!this.full) this.logger.error({ max: this.options.max }, 'anomaly buffer full: new anomalies are dropped until the database is back');
      this.full = true;
      this.dropped += rows.length - room;
    }
    if (!this.stopped) this.loop ??= this.flushLoop().finally(() => (this.loop = undefined));
  }

  private async flushLoop(): Promise<void> {
    let delay = RETRY_MIN_MS;
    while (this.queue.length > 0 && !this.stopped) {
      const result = await this.attempt();
      if (result.outcome === 'written') {
        this.down = false;
        this.queue.splice(0, result.rows);
        this.flushed += result.rows;
        this.singly = Math.max(0, this.singly - result.rows);
        delay = RETRY_MIN_MS;
        if (this.queue.length === 0) {
          this.full = false;
          this.logger.info({ flushed: this.flushed, dropped: this.dropped }, 'database back: held anomalies written');
        }
      } else if (result.outcome === 'refused' && result.rows > 1) {
        this.singly = result.rows;
      } else if (result.outcome === 'refused') {
        // Retrying a row the database rejects would block everything behind it forever.
        this.queue.splice(0, 1);
        this.dropped++;
        this.singly = Math.max(0, this.singly - 1);
        this.logger.error({ err: result.err }, 'database refused a held anomaly: dropped');
      } else {
        this.logger.debug({ err: result.err, retryInMs: delay }, 'database still unavailable');
        await this.backoff(delay);
        delay = Math.min(delay * 2, this.options.retryMaxMs);
      }
    }
  }

  /** Writes the oldest held anomalies, or keeps waiting on an earlier write of them that has not finished. */
  private async attempt(): Promise<Attempt> {
    if (!this.pending) {
      const rows = Math.min(this.singly > 0 ? 1 : CHUNK, this.queue.length);
      const attempt = this.repo.insertMany(this.queue.slice(0, rows)).then(
        (): Outcome => ({ outcome: 'written' }),
        (err: unknown): Outcome => ({ outcome: isDatabaseUnavailable(err) ? 'unavailable' : 'refused', err }),
      );
      this.pending = { rows, attempt };
    }
    const { attempt, rows } = this.pending;
    const result = await withDeadline(attempt, this.options.writeTimeoutMs, 'writing held anomalies').catch(
      (err: unknown): Outcome => ({ outcome: 'unavailable', err }),
    );
    // Timed out but still running: wait on it next round rather than stack another write on a hung connection.
    if (await settled(attempt)) this.pending = undefined;
    return { ...result, rows };
  }

  private backoff(ms: number): Promise<void> {
    // Jitter: instances that lost the same database do not all come back at the same instant.
    const wait = ms / 2 + Math.random() * (ms / 2);
    return new Promise((resolve) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private interruptBackoff(): void {
    this.wake?.();
    this.wake = undefined;
  }
}

/** Whether a promise has settled already (without waiting for it). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([p, Promise.resolve(marker)])) !== marker;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
