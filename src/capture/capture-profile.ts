import type { RecordKind as ProfileKind } from '@prisma/client';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { Profile, ProfileRef, ProfileService } from '../profiles/profile.service';

/** What the capture pipeline makes for a profile: one record per packet or per flow. */
export type CaptureKind = 'packet' | 'flow';

/** A packet or flow profile's record kind; a tabular profile's models were fitted on other columns. */
export function captureKindOf(profile: Profile): CaptureKind {
  if (profile.kind === 'PACKET') return 'packet';
  if (profile.kind === 'FLOW') return 'flow';
  throw new AppError(
    ErrorCode.BAD_USER_INPUT,
    `Profile "${profile.name}" holds ${profile.kind.toLowerCase()} records; captures need a packet or flow profile`,
    { profile: profile.name, kind: profile.kind },
  );
}

/** The profile for a capture import, created with `kindIfNew` when missing. */
export async function captureProfile(profiles: ProfileService, ref: ProfileRef, kindIfNew: CaptureKind): Promise<Profile> {
  const existing = await profiles.find(ref);
  if (existing) return existing;
  return profiles.upsert(ref.site, { name: ref.name, kind: kindIfNew.toUpperCase() as ProfileKind });
}
