import type { z } from 'zod';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { SerializedDetector } from './detector.types';

export function invalidState(detector: string, reason: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(ErrorCode.INVALID_MODEL_STATE, `Invalid saved state for ${detector}: ${reason}`, {
    detector,
    ...details,
  });
}

/** Only the envelope; each plugin validates its own params and state. */
export function isSerializedDetector(value: unknown): value is SerializedDetector {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.detector === 'string' && Number.isInteger(v.stateVersion) && 'params' in v && 'state' in v;
}

/**
 * Refuses a state it cannot read rather than mis-reading it. There is no
 * migration from older versions yet, so any version but the current one is refused.
 */
export function checkEnvelope(serialized: unknown, detector: string, stateVersion: number): SerializedDetector {
  if (!isSerializedDetector(serialized)) throw invalidState(detector, 'not a serialized detector');
  if (serialized.detector !== detector) {
    throw invalidState(detector, `state belongs to ${serialized.detector}`);
  }
  if (serialized.stateVersion !== stateVersion) {
    throw new AppError(
      ErrorCode.UNSUPPORTED_STATE_VERSION,
      `${detector} reads state version ${stateVersion}, got ${serialized.stateVersion}`,
      { detector, supported: stateVersion, found: serialized.stateVersion },
    );
  }
  return serialized;
}

/** Stored params and state come from a database: any mismatch is a broken model, not bad user input. */
export function parseStored<T>(detector: string, schema: z.ZodType<T>, value: unknown, part: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // A mangled array can produce one issue per element; a few locate the damage.
  const problems = result.error.issues.slice(0, 5).map((i) => ({ path: [part, ...i.path].join('.'), message: i.message }));
  throw invalidState(detector, `${part} has the wrong shape`, { problems });
}
