import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { Profile, ProfileService } from '../profiles/profile.service';
import type { TrafficRecord } from '../records/traffic-record';
import type pg from 'pg';
import { splitCsv } from './csv-fields';
import { CsvRowParser, type CsvOptions } from './csv.format';
import { KddRowParser } from './kdd.format';
import { readLines } from './line-reader';
import { RejectionTally, type RejectionReason } from './rejection-tally';
import { isRejection, type RowParser } from './row-parser';
import { insertBatch } from './traffic-bulk.sink';

export const IMPORT_FORMATS = ['csv', 'kdd'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  profile: string;
  format: ImportFormat;
  file: string;
  csv?: CsvOptions;
  /** Rows per INSERT statement. */
  batchSize?: number;
  onProgress?(progress: ImportProgress): void;
}

export interface ImportProgress {
  /** Share of the file read. */
  fraction: number;
  rowsRead: number;
  stored: number;
  rejected: number;
}

export interface ImportSummary {
  profile: string;
  file: string;
  rowsRead: number;
  stored: number;
  rejected: number;
  reasons: RejectionReason[];
  seconds: number;
}

export interface ImportDeps {
  profiles: ProfileService;
  /** The pool of the services' database: rows go straight in with bulk SQL. */
  pool: pg.Pool;
}

const DEFAULT_BATCH = 5_000;
/** Batches being written while the next one is parsed: enough to keep PostgreSQL busy, bounded memory. */
const MAX_IN_FLIGHT = 3;
/** A quoted field may span lines, but an unclosed quote must not swallow the rest of the file. */
const MAX_RECORD_CHARS = 1 << 20;

/**
 * Streams a dataset file into a tabular profile's stored traffic, in batches.
 * Malformed rows are counted with their reason and skipped; only a problem
 * with the file as a whole (unreadable, header not matching the options, the
 * database failing) stops an import.
 */
export async function importDataset(deps: ImportDeps, opts: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const profile = await tabularProfile(deps.profiles, opts.profile);
  const parser: RowParser = opts.format === 'csv' ? new CsvRowParser(opts.csv) : new KddRowParser();
  const writer = new BatchWriter(deps.pool, profile.id);
  const tally = new RejectionTally();
  const reader = await readLines(opts.file);
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const now = Date.now();
  let batch: TrafficRecord[] = [];
  let rowsRead = 0;
  let lineNo = 0;
  let pending = '';
  let pendingLine = 0;
  let headerSeen = !parser.hasHeader;

  for await (const line of reader.lines) {
    lineNo++;
    const text = pending === '' ? line : `${pending}\n${line}`;
    if (pending === '' && text.trim() === '') continue;
    const fields = opts.format === 'csv' ? splitCsv(text) : text.split(',');
    const first = pending === '' ? lineNo : pendingLine;
    if (fields === undefined) {
      if (text.length <= MAX_RECORD_CHARS) {
        if (pending === '') pendingLine = lineNo;
        pending = text;
        continue;
      }
      pending = '';
      rowsRead++;
      tally.add({ reason: 'unterminated quoted field' }, first);
      continue;
    }
    pending = '';
    if (!headerSeen) {
      parser.header(fields);
      headerSeen = true;
      continue;
    }
    rowsRead++;
    const parsed = parser.row(fields, now);
    if (isRejection(parsed)) {
      tally.add(parsed, first);
      continue;
    }
    batch.push(parsed);
    if (batch.length >= batchSize) {
      await writer.write(batch);
      batch = [];
      opts.onProgress?.({ fraction: reader.fraction(), rowsRead, stored: writer.stored, rejected: tally.count });
    }
  }
  if (pending !== '') {
    rowsRead++;
    tally.add({ reason: 'unterminated quoted field' }, pendingLine);
  }
  await writer.write(batch);
  await writer.finish();
  opts.onProgress?.({ fraction: 1, rowsRead, stored: writer.stored, rejected: tally.count });
  return {
    profile: profile.name,
    file: opts.file,
    rowsRead,
    stored: writer.stored,
    rejected: tally.count,
    reasons: tally.list(),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Imported rows are tabular; a profile of packets or flows would mix two record kinds in one model. */
async function tabularProfile(profiles: ProfileService, name: string): Promise<Profile> {
  const existing = await profiles.find(name);
  if (!existing) return profiles.upsert({ name, kind: 'TABULAR' });
  if (existing.kind !== 'TABULAR') {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `Profile "${name}" holds ${existing.kind.toLowerCase()} records; import datasets into a tabular profile`, {
      profile: name,
      kind: existing.kind,
    });
  }
  return existing;
}

/** Keeps a few INSERTs in flight; the first database error fails the import. */
class BatchWriter {
  stored = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private error: unknown;

  constructor(
    private readonly pool: pg.Pool,
    private readonly profileId: string,
  ) {}

  async write(records: TrafficRecord[]): Promise<void> {
    if (this.error) throw this.error;
    if (records.length === 0) return;
    const p: Promise<void> = insertBatch(this.pool, this.profileId, records).then(
      (n) => {
        this.stored += n;
      },
      (err: unknown) => {
        this.error ??= err;
      },
    );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    if (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight);
    if (this.error) throw this.error;
  }

  async finish(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.error) throw this.error;
  }
}
