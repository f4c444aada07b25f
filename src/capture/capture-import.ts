import type { ProfileRef, ProfileService } from '../profiles/profile.service';
import type { TrafficRepository } from '../traffic/traffic.repository';
import { CaptureFile, type CaptureFileFormat } from './capture-file';
import { captureKindOf, captureProfile, type CaptureKind } from './capture-profile';
import type { CapturePipelineStats } from './capture.pipeline';

export interface CaptureImportOptions {
  profile: ProfileRef;
  format: CaptureFileFormat;
  file: string;
  /** Record kind of the profile when this import creates it. */
  kindIfNew: CaptureKind;
  labelColumn?: string;
  batchSize?: number;
  onProgress?(progress: { fraction: number; stored: number }): void;
}

export interface CaptureImportSummary {
  profile: string;
  file: string;
  kind: CaptureKind;
  stored: number;
  stats: CapturePipelineStats;
  seconds: number;
}

export interface CaptureImportDeps {
  profiles: ProfileService;
  traffic: TrafficRepository;
}

/**
 * Stores a capture file's packet or flow records (windowed features
 * included) as a profile's traffic, for training; nothing is scored.
 * One INSERT runs while the next batch is read.
 */
export async function importCaptureFile(deps: CaptureImportDeps, opts: CaptureImportOptions): Promise<CaptureImportSummary> {
  const started = performance.now();
  const profile = await captureProfile(deps.profiles, opts.profile, opts.kindIfNew);
  const kind = captureKindOf(profile);
  const file = await CaptureFile.open({ format: opts.format, file: opts.file, kind, batchSize: opts.batchSize, labelColumn: opts.labelColumn });
  let stored = 0;
  let inFlight: Promise<number> = Promise.resolve(0);
  try {
    for await (const batch of file) {
      stored += await inFlight;
      inFlight = deps.traffic.insertMany(profile.id, batch);
      // Once the whole file is read, only the report after the last INSERT has the final count.
      const fraction = file.fraction();
      if (fraction < 1) opts.onProgress?.({ fraction, stored });
    }
  } finally {
    // Settled either way, so a failed read never leaves an INSERT's rejection unobserved.
    stored += await inFlight;
  }
  opts.onProgress?.({ fraction: 1, stored });
  return { profile: profile.name, file: opts.file, kind, stored, stats: file.stats, seconds: (performance.now() - started) / 1000 };
}
