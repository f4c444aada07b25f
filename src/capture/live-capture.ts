import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import type { CaptureSource } from './capture.types';

export interface LiveCaptureOptions {
  interface: string;
  /** A BPF filter expression (tcpdump syntax). */
  bpf?: string;
  /**
   * Bytes kept per packet. The decoder reads headers only and takes sizes from
   * the wire length, so the whole packet would only cost pipe bandwidth.
   */
  snaplen?: number;
  /** Directories searched for tcpdump (default: PATH plus the sbin directories a non-root PATH often lacks). */
  searchPath?: string;
  /** How long tcpdump may take to open the interface. */
  startTimeoutMs?: number;
}

const SYS_CLASS_NET = '/sys/class/net';
/** tcpdump's pseudo-interface for all interfaces; it has no /sys/class/net entry. */
const ANY_INTERFACE = 'any';
/** Linux interface names: at most 15 bytes, no slash or whitespace; a leading '-' would read as an option. */
const INTERFACE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,14}$/;
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];
const DEFAULT_SNAPLEN = 256;
const DEFAULT_START_TIMEOUT_MS = 10_000;
/** tcpdump's stderr kept for error messages: its last lines say what went wrong. */
const MAX_STDERR = 4096;
const STOP_GRACE_MS = 5_000;

/** tcpdump's drop counters, printed on SIGUSR1 and at exit (interface drops only where the driver knows them). */
const DROPPED = /(\d+) packets? dropped by (kernel|interface)/;

/**
 * A running `tcpdump -w - -U` on one interface: its stdout is a pcap stream
 * for the capture pipeline. Failures to start become coded errors:
 * CAPTURE_INTERFACE_NOT_FOUND, CAPTURE_PERMISSION_DENIED,
 * CAPTURE_TOOL_MISSING, BAD_USER_INPUT for a bad filter, else CAPTURE_ERROR.
 */
export class LiveCapture {
  /** Resolves when tcpdump has exited, with its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  private stderr = '';
  private partialLine = '';
  private readonly drops = { kernel: 0, interface: 0 };
  private stopping = false;

  private constructor(private readonly child: ChildProcessByStdio<null, Readable, Readable>) {
    this.exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => this.onStderr(text));
  }

  static async start(options: LiveCaptureOptions): Promise<LiveCapture> {
    const iface = options.interface;
    await checkInterface(iface);
    const tcpdump = await findTcpdump(options.searchPath);
    const args = ['-i', iface, '-w', '-', '-U', '--immediate-mode', '-s', String(options.snaplen ?? DEFAULT_SNAPLEN)];
    // After '--' a filter cannot be taken for an option (e.g. "-w /etc/passwd").
    if (options.bpf?.trim()) args.push('--', options.bpf);
    const child = spawn(tcpdump, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const capture = new LiveCapture(child);
    await capture.started(options, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    return capture;
  }

  /** tcpdump's pcap output. */
  get source(): CaptureSource {
    return this.child.stdout;
  }

  /**
   * True when tcpdump ended unasked and unsuccessfully (e.g. the interface went away). A Ctrl-C in
   * the terminal reaches tcpdump too, and it then exits 0 like when it is stopped: not a failure.
   */
  get failed(): boolean {
    const ended = this.child.exitCode !== null || this.child.signalCode !== null;
    return ended && !this.stopping && this.child.exitCode !== 0;
  }

  /** What tcpdump said last, for a failure report. */
  get lastMessage(): string {
    return tcpdumpMessage(this.stderr);
  }

  /** Packets lost before tcpdump read them, as tcpdump last reported (see refreshCounters). */
  get dropped(): number {
    return this.drops.kernel + this.drops.interface;
  }

  /** Asks tcpdump for fresh drop counters; they arrive on stderr shortly after. */
  refreshCounters(): void {
    if (this.child.exitCode === null) this.child.kill('SIGUSR1');
  }

  /** Ends the capture: tcpdump flushes, prints its final counters and closes the stream. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private onStderr(text: string): void {
    this.stderr = (this.stderr + text).slice(-MAX_STDERR);
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) {
      const dropped = DROPPED.exec(line);
      if (dropped) this.drops[dropped[2] as 'kernel' | 'interface'] = Number(dropped[1]);
    }
  }

  /** Resolves once tcpdump listens; rejects with a coded error if it exits or never gets there. */
  private started(options: LiveCaptureOptions, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (err: AppError) => {
        cleanup();
        this.child.kill('SIGKILL');
        reject(err);
      };
      const onData = () => {
        if (!this.stderr.includes('listening on')) return;
        cleanup();
        resolve();
      };
      const onError = (err: NodeJS.ErrnoException) =>
        fail(new AppError(ErrorCode.CAPTURE_TOOL_MISSING, `cannot run tcpdump: ${err.message}`, { interface: options.interface }));
      const onClose = () => {
        cleanup();
        reject(startFailure(this.stderr, options));
      };
      const timer = setTimeout(
        () => fail(new AppError(ErrorCode.CAPTURE_ERROR, `tcpdump did not start capturing on ${options.interface} within ${timeoutMs} ms`, { interface: options.interface })),
        timeoutMs,
      );
      const cleanup = () => {
        clearTimeout(timer);
        this.child.stderr.off('data', onData);
        this.child.off('error', onError);
        this.child.off('close', onClose);
      };
      this.child.stderr.on('data', onData);
      this.child.once('error', onError);
      this.child.once('close', onClose);
    });
  }
}

async function checkInterface(name: string): Promise<void> {
  if (!INTERFACE_NAME.test(name)) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `"${name}" is not an interface name`, { field: 'interface', interface: name });
  }
  if (name === ANY_INTERFACE) return;
  let known: string[];
  try {
    known = await readdir(SYS_CLASS_NET);
  } catch {
    return; // Not Linux: tcpdump itself says whether the interface exists.
  }
  if (!known.includes(name)) {
    throw new AppError(ErrorCode.CAPTURE_INTERFACE_NOT_FOUND, `no network interface "${name}" (this host has: ${[...known, ANY_INTERFACE].join(', ')})`, {
      interface: name,
      available: known,
    });
  }
}

async function findTcpdump(searchPath = [process.env.PATH ?? '', ...SBIN_DIRS].join(path.delimiter)): Promise<string> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'tcpdump');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new AppError(ErrorCode.CAPTURE_TOOL_MISSING, 'tcpdump is not installed (Debian/Ubuntu: apt-get install tcpdump)');
}

/** Maps tcpdump's complaint to the error a person can act on. */
export function startFailure(stderr: string, options: Pick<LiveCaptureOptions, 'interface' | 'bpf'>): AppError {
  const message = tcpdumpMessage(stderr) || 'tcpdump exited before capturing';
  const details = { interface: options.interface, tcpdump: message };
  if (/no such device|doesn't exist|no suitable device/i.test(stderr)) {
    return new AppError(ErrorCode.CAPTURE_INTERFACE_NOT_FOUND, `no network interface "${options.interface}": ${message}`, details);
  }
  if (/permission|not permitted/i.test(stderr)) {
    return new AppError(
      ErrorCode.CAPTURE_PERMISSION_DENIED,
      `not allowed to capture on ${options.interface}: run as root, or give tcpdump the capability (setcap cap_net_raw,cap_net_admin=eip "$(command -v tcpdump)")`,
      details,
    );
  }
  if (options.bpf && /filter|syntax error|unknown|illegal|expression/i.test(stderr)) {
    return new AppError(ErrorCode.BAD_USER_INPUT, `bad capture filter "${options.bpf}": ${message}`, { ...details, field: 'bpf' });
  }
  return new AppError(ErrorCode.CAPTURE_ERROR, `tcpdump failed on ${options.interface}: ${message}`, details);
}

/** tcpdump's own lines, without the counters and banner it always prints. */
function tcpdumpMessage(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.replace(/^tcpdump: /, '').trim())
    .filter((line) => line !== '' && !/^listening on|packets? (captured|received|dropped)/.test(line))
    .join('; ');
}
