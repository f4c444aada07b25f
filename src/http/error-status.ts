import { ErrorCode } from '../errors/error-codes';

const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.INVALID_DETECTOR_PARAMS]: 400,
  [ErrorCode.UNKNOWN_DETECTOR]: 400,
  [ErrorCode.BATCH_TOO_LARGE]: 413,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.PROFILE_NOT_FOUND]: 404,
  [ErrorCode.MODEL_NOT_FOUND]: 404,
  [ErrorCode.JOB_NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.NO_ACTIVE_MODEL]: 503,
  [ErrorCode.QUEUE_UNAVAILABLE]: 503,
  [ErrorCode.CAPTURE_INTERFACE_NOT_FOUND]: 404,
  [ErrorCode.CAPTURE_NOT_RUNNING]: 404,
  [ErrorCode.CAPTURE_PERMISSION_DENIED]: 503,
  [ErrorCode.CAPTURE_ALREADY_RUNNING]: 409,
  [ErrorCode.CAPTURE_TOOL_MISSING]: 503,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.SITE_NOT_FOUND]: 404,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.QUERY_TOO_DEEP]: 400,
  [ErrorCode.QUERY_TOO_COMPLEX]: 400,
  [ErrorCode.TOO_MANY_SUBSCRIPTIONS]: 429,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.DATABASE_UNAVAILABLE]: 503,
};

/** HTTP status for a coded error on the REST endpoints. */
export function httpStatusFor(code: string): number {
  return STATUS[code] ?? 500;
}
