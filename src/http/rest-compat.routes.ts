import { Router, type Request, type Response } from 'express';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { Services } from '../app/services';
import { requireScope } from '../auth/auth.service';
import { DEFAULT_PROFILE } from '../profiles/profile.service';
import { callerOf } from './auth.middleware';
import type { RecordInput } from '../records/record.validator';
import { VERSION } from '../version';

/** The seed Flask tool's record shape, kept so its clients and curl example still work. */
const SEED_FIELDS = ['src_ip', 'dest_ip', 'src_port', 'dest_port', 'protocol', 'packet_size'] as const;

export function restCompatRoutes(services: Services): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json({
      message: 'Welcome to netsentinel, the network anomaly detection API.',
      version: VERSION,
      graphql: '/graphql',
      playground: '/graphql',
      dashboard: '/dashboard',
      predict: 'POST /predict with a JSON array of {src_ip, dest_ip, src_port, dest_port, protocol, packet_size}',
    });
  });
  // The seed had one model: a key scores into its own site's `default` profile (the default site's, for the seed's clients).
  router.post('/predict', async (req: Request, res: Response) => {
    const caller = callerOf(res.locals);
    requireScope(caller, 'write');
    const predictions = await services.detection.predict({ site: caller.siteName, name: DEFAULT_PROFILE }, seedRecords(req.body), 'rest');
    res.json({
      prediction: predictions.map((p) => (p.isAnomaly ? -1 : 1)),
      score: predictions.map((p) => p.score),
    });
  });
  return router;
}

function seedRecords(body: unknown): RecordInput[] {
  if (!Array.isArray(body)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'Body must be a JSON array of records', { field: 'body' });
  }
  return body.map((item: unknown, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `Record ${index} must be an object`, { index, field: 'record' });
    }
    const r = item as Record<string, unknown>;
    const missing = SEED_FIELDS.find((f) => r[f] === undefined || r[f] === null);
    if (missing) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `Record ${index}, field ${missing}: required`, { index, field: missing });
    }
    return {
      srcIp: r.src_ip,
      destIp: r.dest_ip,
      srcPort: r.src_port,
      destPort: r.dest_port,
      protocol: r.protocol,
      packetSize: r.packet_size,
      timestamp: typeof r.timestamp === 'string' || typeof r.timestamp === 'number' ? r.timestamp : undefined,
    };
  });
}
