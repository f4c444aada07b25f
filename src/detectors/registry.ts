import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { Detector, DetectorDescription, DetectorPlugin, Json } from './detector.types';
import { parseParams } from './params';
import { invalidState, isSerializedDetector } from './state';

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The detectors a server knows by name. Registration checks each plugin at
 * start-up so that a broken or duplicate plugin fails there, not at predict time.
 */
export class DetectorRegistry {
  private readonly plugins = new Map<string, DetectorPlugin>();

  register(plugin: DetectorPlugin): this {
    const name = checkedName(plugin);
    if (this.plugins.has(name)) {
      throw new AppError(ErrorCode.DETECTOR_ALREADY_REGISTERED, `Detector "${name}" is already registered`, {
        detector: name,
      });
    }
    this.plugins.set(name, plugin);
    return this;
  }

  has(name: string): boolean {
    return this.plugins.has(name);
  }

  get(name: string): DetectorPlugin {
    const plugin = this.plugins.get(name);
    if (plugin !== undefined) return plugin;
    const known = [...this.plugins.keys()];
    throw new AppError(
      ErrorCode.UNKNOWN_DETECTOR,
      `Unknown detector "${name}"; known detectors: ${known.join(', ') || '(none)'}`,
      { detector: name, known },
    );
  }

  list(): DetectorDescription[] {
    return [...this.plugins.values()].map((plugin) => plugin.describe());
  }

  /** Throws INVALID_DETECTOR_PARAMS naming the param; returns the params with defaults filled in. */
  validateParams(name: string, params?: unknown): Record<string, Json> {
    const plugin = this.get(name);
    // Params are JSON objects by contract: the conformance suite checks every built-in plugin.
    return parseParams(name, plugin.paramsSchema, params) as Record<string, Json>;
  }

  create(name: string, params?: unknown): Detector {
    return this.get(name).create(params);
  }

  /** Rebuilds a saved model with the plugin that wrote it. */
  load(serialized: unknown): Detector {
    if (!isSerializedDetector(serialized)) throw invalidState('detector', 'not a serialized detector');
    return this.get(serialized.detector).load(serialized);
  }
}

/** The plugin's name, once the plugin has shown it has everything a registry calls. */
function checkedName(plugin: DetectorPlugin): string {
  // Registration runs on whatever a caller passes, typed or not.
  const p: Partial<Record<string, unknown>> = Object(plugin);
  const missing = ['describe', 'create', 'load'].filter((key) => typeof p[key] !== 'function');
  if (missing.length > 0) throw invalidPlugin(`missing ${missing.join(', ')}`);
  if (typeof (p.paramsSchema as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
    throw invalidPlugin('paramsSchema is not a zod schema');
  }
  const name = describedName(plugin);
  if (!KEBAB_CASE.test(name)) throw invalidPlugin(`name "${name}" is not kebab-case`, { detector: name });
  return name;
}

function describedName(plugin: DetectorPlugin): string {
  let name: unknown;
  try {
    name = plugin.describe().name;
  } catch (err) {
    throw invalidPlugin(`describe() threw: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof name !== 'string') throw invalidPlugin('describe() gave no name');
  return name;
}

function invalidPlugin(reason: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(ErrorCode.DETECTOR_INVALID_PLUGIN, `Invalid detector plugin: ${reason}`, { reason, ...details });
}
