import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../../errors/app-error';
import { ErrorCode } from '../../errors/error-codes';
import { DEFAULT_SITE, type ProfileRef } from '../../profiles/profile.service';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, with mistakes reported as BAD_USER_INPUT plus the command's usage. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `${(err as Error).message}\n\n${usage}`);
  }
}

export function required(value: string | undefined, name: string, usage: string): string {
  if (value === undefined || value === '') throw new AppError(ErrorCode.BAD_USER_INPUT, `${name} is required\n\n${usage}`);
  return value;
}

export function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new AppError(ErrorCode.BAD_USER_INPUT, `${name} must be a number, got "${value}"`);
  return n;
}

export function dateOption(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new AppError(ErrorCode.BAD_USER_INPUT, `${name} must be an ISO-8601 date-time, got "${value}"`);
  return d;
}

/** `--profile P [--site S]`: profiles live in sites; the CLI defaults to the `default` site. */
export const PROFILE_OPTIONS = { profile: { type: 'string' }, site: { type: 'string' } } as const;

export function profileRef(values: { profile?: string; site?: string }, usage: string): ProfileRef {
  return { site: values.site || DEFAULT_SITE, name: required(values.profile, '--profile', usage) };
}
