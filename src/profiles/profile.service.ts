import type { Prisma, PrismaClient, Profile, RecordKind } from '@prisma/client';
import type { DetectorRegistry } from '../detectors/registry';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { DetectorConfig } from '../training/trainer';

export type { Profile };

export const DEFAULT_SITE = 'default';
export const DEFAULT_PROFILE = 'default';

/** Profile names are unique within a site; every lookup names both. */
export interface ProfileRef {
  site: string;
  name: string;
}

export const DEFAULT_PROFILE_REF: ProfileRef = { site: DEFAULT_SITE, name: DEFAULT_PROFILE };

/** One string per profile, for maps and schedules ("/" cannot appear in a site or profile name). */
export function profileKey(ref: ProfileRef): string {
  return `${ref.site}/${ref.name}`;
}

export function parseProfileKey(key: string): ProfileRef {
  const slash = key.indexOf('/');
  return { site: key.slice(0, slash), name: key.slice(slash + 1) };
}
/**
 * What a new profile enables, by record kind, as `npm run eval` measured it
 * (README, "Detection quality"): tabular rows get the HBOS + isolation-forest
 * ensemble (best on NSL-KDD, meets the ODDS targets, explains itself); flows
 * get half-space trees (best on the CTU Zeek log and the pcap scenarios, and
 * it learns online). Packets keep isolation forest + kNN: no labelled packet data
 * says otherwise, and kNN is the best on the generated sample.
 */
export const DEFAULT_DETECTORS_BY_KIND: Readonly<Record<RecordKind, readonly DetectorConfig[]>> = {
  PACKET: [{ name: 'isolation-forest' }, { name: 'knn-distance' }],
  FLOW: [{ name: 'empirical-tails' }],
  TABULAR: [{ name: 'ensemble' }],
};
export const DEFAULT_DETECTORS = DEFAULT_DETECTORS_BY_KIND.PACKET;

export interface ProfileInput {
  name: string;
  kind?: RecordKind;
  detectors?: DetectorConfig[];
  contamination?: number;
  alertsPerDay?: number | null;
  storeTraffic?: boolean;
  retrainEvery?: number | null;
}

interface ProfileData {
  kind?: RecordKind;
  contamination?: number;
  alertsPerDay?: number | null;
  storeTraffic?: boolean;
  retrainEvery?: number | null;
  detectors?: Prisma.InputJsonValue;
}

/** Profile and site names: safe in URLs, logs and `profileKey`. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function profileDetectors(profile: Profile): DetectorConfig[] {
  return profile.detectors as unknown as DetectorConfig[];
}

export interface ProfileRules {
  /** Shortest retrainEvery, in seconds (TRAINING_MIN_RETRAIN_SECONDS). */
  minRetrainSeconds: number;
}

export class ProfileService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly registry: DetectorRegistry,
    private readonly rules: ProfileRules = { minRetrainSeconds: 60 },
  ) {}

  async ensureDefaults(): Promise<Profile> {
    const site = await this.prisma.site.upsert({ where: { name: DEFAULT_SITE }, update: {}, create: { name: DEFAULT_SITE } });
    return this.prisma.profile.upsert({
      where: { siteId_name: { siteId: site.id, name: DEFAULT_PROFILE } },
      update: {},
      create: {
        siteId: site.id,
        name: DEFAULT_PROFILE,
        kind: 'PACKET',
        detectors: DEFAULT_DETECTORS as unknown as Prisma.InputJsonValue,
      },
    });
  }

  list(site: string): Promise<Profile[]> {
    return this.prisma.profile.findMany({ where: { site: { name: site } }, orderBy: { name: 'asc' } });
  }

  /** Every site's profiles, for server-wide work (retraining schedules). */
  async listAll(): Promise<ProfileRef[]> {
    const rows = await this.prisma.profile.findMany({ select: { name: true, site: { select: { name: true } } } });
    return rows.map((r) => ({ site: r.site.name, name: r.name }));
  }

  find(ref: ProfileRef): Promise<Profile | null> {
    return this.prisma.profile.findFirst({ where: { name: ref.name, site: { name: ref.site } } });
  }

  /** Another site's profile is "not found": callers never learn what other sites hold. */
  async get(ref: ProfileRef): Promise<Profile> {
    const profile = await this.find(ref);
    if (!profile) throw new AppError(ErrorCode.PROFILE_NOT_FOUND, `No profile named "${ref.name}"`, { profile: ref.name });
    return profile;
  }

  async siteOf(profileId: string): Promise<string> {
    const row = await this.prisma.profile.findUnique({ where: { id: profileId }, select: { site: { select: { name: true } } } });
    return row?.site.name ?? '';
  }

  async upsert(siteName: string, input: ProfileInput): Promise<Profile> {
    const data = this.validate(input);
    // The default site exists from the first start on; a CLI run against a fresh database may come first.
    const site =
      siteName === DEFAULT_SITE
        ? await this.prisma.site.upsert({ where: { name: DEFAULT_SITE }, update: {}, create: { name: DEFAULT_SITE } })
        : await this.prisma.site.findUnique({ where: { name: siteName } });
    if (!site) throw new AppError(ErrorCode.SITE_NOT_FOUND, `No site named "${siteName}"`, { site: siteName });
    return this.prisma.profile.upsert({
      where: { siteId_name: { siteId: site.id, name: input.name } },
      update: data,
      create: { ...data, siteId: site.id, name: input.name, detectors: data.detectors ?? (DEFAULT_DETECTORS_BY_KIND[data.kind ?? 'PACKET'] as unknown as Prisma.InputJsonValue) },
    });
  }

  async delete(ref: ProfileRef): Promise<boolean> {
    if (ref.site === DEFAULT_SITE && ref.name === DEFAULT_PROFILE) {
      throw new AppError(ErrorCode.CONFLICT, 'The default profile serves the REST API and cannot be deleted', { profile: ref.name });
    }
    const profile = await this.get(ref);
    await this.prisma.profile.delete({ where: { id: profile.id } });
    return true;
  }

  private validate(input: ProfileInput): ProfileData {
    if (!NAME.test(input.name)) {
      throw badInput('name', 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
    }
    if (input.contamination !== undefined && !(input.contamination > 0 && input.contamination <= 0.5)) {
      throw badInput('contamination', 'must be in (0, 0.5]');
    }
    if (input.alertsPerDay != null && !(input.alertsPerDay > 0 && Number.isFinite(input.alertsPerDay))) {
      throw badInput('alertsPerDay', 'must be a positive number');
    }
    const { minRetrainSeconds } = this.rules;
    if (input.retrainEvery != null && !(Number.isInteger(input.retrainEvery) && input.retrainEvery >= minRetrainSeconds)) {
      throw badInput('retrainEvery', `must be a whole number of seconds, at least ${minRetrainSeconds}`);
    }
    return {
      kind: input.kind,
      contamination: input.contamination,
      alertsPerDay: input.alertsPerDay,
      storeTraffic: input.storeTraffic,
      retrainEvery: input.retrainEvery,
      detectors: input.detectors ? (this.validateDetectors(input.detectors) as unknown as Prisma.InputJsonValue) : undefined,
    };
  }

  /** Unknown detectors and bad params fail here with the registry's codes, never at predict time. */
  private validateDetectors(detectors: DetectorConfig[]): DetectorConfig[] {
    if (detectors.length === 0) throw badInput('detectors', 'enable at least one detector');
    const names = new Set<string>();
    return detectors.map((d) => {
      if (names.has(d.name)) throw badInput('detectors', `detector ${d.name} is listed twice`);
      names.add(d.name);
      return { name: d.name, params: this.registry.validateParams(d.name, d.params ?? {}) };
    });
  }
}

function badInput(field: string, message: string): AppError {
  return new AppError(ErrorCode.BAD_USER_INPUT, `${field} ${message}`, { field });
}
