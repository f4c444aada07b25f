import { z } from 'zod';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { Json, ParamDescription } from './detector.types';

interface ParamProblem {
  param: string;
  message: string;
}

/** Validates raw params; the error names every offending param so a client can point at it. */
export function parseParams<P>(detector: string, schema: z.ZodType<P>, raw: unknown): P {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const problems = paramProblems(result.error);
  const summary = problems.map((p) => `${p.param}: ${p.message}`).join('; ');
  throw new AppError(ErrorCode.INVALID_DETECTOR_PARAMS, `Invalid params for ${detector}: ${summary}`, {
    detector,
    param: problems[0].param,
    problems,
  });
}

function paramProblems(error: z.ZodError): ParamProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ param: key, message: 'unknown param' }))
      : [{ param: issue.path.join('.') || '(params)', message: issue.message }],
  );
}

const PARAM_TYPES: Record<string, ParamDescription['type']> = {
  integer: 'int',
  number: 'float',
  boolean: 'boolean',
  string: 'string',
};

/**
 * Derives describe().params from the zod schema so the documented defaults
 * and bounds cannot drift from what create() accepts.
 */
export function describeParams(schema: z.ZodType): ParamDescription[] {
  const properties = z.toJSONSchema(schema).properties ?? {};
  return Object.entries(properties).map(([name, property]) => {
    const type = typeof property === 'object' ? PARAM_TYPES[String(property.type)] : undefined;
    if (typeof property !== 'object' || type === undefined || property.default === undefined) {
      throw new Error(`param "${name}" needs a default and a scalar type`);
    }
    return {
      name,
      type,
      default: property.default as Json,
      description: property.description ?? '',
      ...(property.minimum !== undefined && { min: property.minimum }),
      ...(property.maximum !== undefined && { max: property.maximum }),
      ...(property.enum !== undefined && { choices: property.enum.map(String) }),
    };
  });
}
