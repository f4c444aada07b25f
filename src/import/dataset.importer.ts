import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { Profile, ProfileRef, ProfileService } from '../profiles/profile.service';
import type { RecordColumns } from '../records/record-columns';
import type { TrafficRepository } from '../traffic/traffic.repository';
import type { CsvOptions } from './csv.format';
import { DATASET_FORMATS, DatasetReader, type DatasetFormat } from './dataset.reader';
import type { RejectionReason } from './rejection-tally';

export const IMPORT_FORMATS = DATASET_FORMATS;
export type ImportFormat = DatasetFormat;

export interface ImportOptions {
  profile: ProfileRef;
  format: ImportFormat;
  file: string;
  csv?: CsvOptions;
  /** Rows per stored block. */
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
  traffic: TrafficRepository;
}

/** Batches waiting to be stored while the next ones are parsed: bounded memory. */
const MAX_QUEUED = 3;

/**
 * Streams a dataset file into a tabular profile's stored traffic, in batches.
 * Malformed rows are counted with their reason and skipped; only a problem
 * with the file as a whole (unreadable, header not matching the options, the
 * database failing) stops an import.
 */
export async function importDataset(deps: ImportDeps, opts: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const profile = await tabularProfile(deps.profiles, opts.profile);
  const rows = new DatasetReader(opts);
  const writer = new BatchWriter(deps.traffic, profile.id);
  for await (const batch of rows.batches()) {
    await writer.write(batch);
    // Once the whole file is read, only the report after the last INSERT has the final counts.
    const fraction = rows.fraction();
    if (fraction < 1) opts.onProgress?.({ fraction, rowsRead: rows.rowsRead, stored: writer.stored, rejected: rows.tally.count });
  }
  await writer.finish();
  opts.onProgress?.({ fraction: 1, rowsRead: rows.rowsRead, stored: writer.stored, rejected: rows.tally.count });
  return {
    profile: profile.name,
    file: opts.file,
    rowsRead: rows.rowsRead,
    stored: writer.stored,
    rejected: rows.tally.count,
    reasons: rows.tally.list(),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Imported rows are tabular; a profile of packets or flows would mix two record kinds in one model. */
async function tabularProfile(profiles: ProfileService, ref: ProfileRef): Promise<Profile> {
  const existing = await profiles.find(ref);
  if (!existing) return profiles.upsert(ref.site, { name: ref.name, kind: 'TABULAR' });
  if (existing.kind !== 'TABULAR') {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `Profile "${ref.name}" holds ${existing.kind.toLowerCase()} records; import datasets into a tabular profile`, {
      profile: ref.name,
      kind: existing.kind,
    });
  }
  return existing;
}

/**
 * Stores batches one after another, in file order: block ids are the order
 * training reads the rows in, so the same file always trains the same model.
 * Parsing goes on while a few batches wait; the first database error fails
 * the import and nothing after it is stored.
 */
class BatchWriter {
  stored = 0;
  private readonly queued: Promise<void>[] = [];
  private last: Promise<void> = Promise.resolve();
  private error: unknown;

  constructor(
    private readonly traffic: TrafficRepository,
    private readonly profileId: string,
  ) {}

  async write(batch: RecordColumns): Promise<void> {
    if (this.error) throw this.error;
    if (batch.rows === 0) return;
    const previous = this.last;
    this.last = (async () => {
      await previous;
      if (this.error) return;
      try {
        this.stored += await this.traffic.insertColumns(this.profileId, batch);
      } catch (err) {
        this.error ??= err;
      }
    })();
    this.queued.push(this.last);
    if (this.queued.length >= MAX_QUEUED) await this.queued.shift();
    if (this.error) throw this.error;
  }

  async finish(): Promise<void> {
    await this.last;
    if (this.error) throw this.error;
  }
}
