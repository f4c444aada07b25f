import { type FileHandle, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export type TextSink = (text: string) => Promise<void>;

const DEFAULT_MAX_BUFFERED = 10_000;
/** Bytes read from a run file at a time: every run holds one such chunk's lines while merging. */
const RUN_CHUNK_BYTES = 64 * 1024;
/** Lines handed to the sink at a time. */
const OUT_LINES = 1000;

/**
 * Puts lines in the order of a key (a flow's start time), ties in the order
 * they came. The flow table reports flows when they end, so a capture's flow
 * lines arrive out of start order; this restores it with bounded memory.
 * `release(watermark)` writes the lines whose key is below a watermark — the
 * earliest key a line still to come can have, which the capture knows from
 * its open flows — so that a capture's lines stream out as it is read;
 * `drain` writes the rest, `close` deletes the temporary files. Lines must
 * not contain newlines (JSON lines do not).
 *
 * Lines wait in sorted runs, one per release, each one string of all its
 * lines: a capture's lines wait for its oldest open flow (a minute of
 * traffic behind an idle UDP flow), and thousands of line strings that long
 * lived were most of what the garbage collector copied and promoted. Once
 * `maxBuffered` lines wait in memory they are merged and spilled to a file,
 * and lines go out merged from the files and the runs in memory.
 */
export class StartOrderedLines {
  /** Lines added since the last release, and their keys. */
  private keys: number[] = [];
  private lines: string[] = [];
  private memory: MemoryRun[] = [];
  private files: FileRun[] = [];
  /** Lines waiting in memory: added, or in a memory run and not yet out. */
  private buffered = 0;
  /** Names spill files. */
  private spills = 0;
  private dir: string | undefined;

  constructor(private readonly maxBuffered = DEFAULT_MAX_BUFFERED) {}

  /** A promise only when the line filled the buffer and it is being spilled: the other lines cost no promise and no await. */
  add(key: number, line: string): Promise<void> | undefined {
    this.keys.push(key);
    this.lines.push(line);
    return ++this.buffered >= this.maxBuffered ? this.spill() : undefined;
  }

  /** Writes, in key order, every line whose key is below `watermark` (no line added later may have a lower key). */
  async release(watermark: number, sink: TextSink): Promise<void> {
    this.seal();
    let out: string[] = [];
    await mergeRuns([...this.files, ...this.memory], watermark, (run) => {
      if (run.inMemory) this.buffered--;
      out.push(run.line());
      if (out.length < OUT_LINES) return undefined;
      const text = lineBlock(out);
      out = [];
      return sink(text);
    });
    if (out.length > 0) await sink(lineBlock(out));
    this.memory = this.memory.filter((run) => !run.done);
    await this.dropFinishedFiles();
  }

  /** Writes every line in key order. */
  drain(sink: TextSink): Promise<void> {
    return this.release(Infinity, sink);
  }

  /** Closes and deletes the temporary files, drained or not. */
  async close(): Promise<void> {
    for (const run of this.files) await run.close();
    this.files = [];
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  /** Turns the lines added since the last release into a sorted run. */
  private seal(): void {
    if (this.lines.length === 0) return;
    this.memory.push(MemoryRun.sorted(this.keys, this.lines));
    this.keys = [];
    this.lines = [];
  }

  /** Merges every line waiting in memory into one sorted file. */
  private async spill(): Promise<void> {
    this.seal();
    this.dir ??= await mkdtemp(path.join(tmpdir(), 'netsentinel-order-'));
    const file = path.join(this.dir, `run-${this.spills++}`);
    const entries: string[] = [];
    await mergeRuns(this.memory, Infinity, (run) => void entries.push(`${run.key}\t${run.line()}`));
    await writeFile(file, lineBlock(entries));
    this.memory = [];
    this.buffered = 0;
    this.files.push(await FileRun.open(file));
  }

  private async dropFinishedFiles(): Promise<void> {
    for (const run of this.files) if (run.done) await run.close();
    this.files = this.files.filter((run) => !run.done);
  }
}

/** Lines joined, each ending in a newline: the last one too, in the same flat string rather than one more appended. */
export function lineBlock(lines: string[]): string {
  lines.push('');
  return lines.join('\n');
}

/**
 * A sorted run of lines being merged: its current line (`key`, `line()`)
 * until `done`. The key is a field, not a getter: a fractional key returned
 * from a call that is not inlined is allocated.
 */
abstract class Run {
  key = 0;
  done = false;

  constructor(readonly inMemory: boolean) {}

  abstract line(): string;
  /** Moves to the next line; a promise only when that means reading the run's file. */
  abstract next(): Promise<void> | undefined;
}

/** Lines sorted in memory, held as one string. */
class MemoryRun extends Run {
  private at = 0;

  private constructor(
    private readonly text: string,
    private readonly keys: Float64Array,
    /** Where each line ends in `text` (a newline follows every line but the last). */
    private readonly ends: Int32Array,
  ) {
    super(true);
    this.load();
  }

  /** The lines sorted by key, ties in the order they came. */
  static sorted(keys: number[], lines: string[]): MemoryRun {
    const order = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
    const ends = new Int32Array(order.length);
    let end = -1;
    order.forEach((i, j) => {
      end += 1 + lines[i].length;
      ends[j] = end;
    });
    return new MemoryRun(
      order.map((i) => lines[i]).join('\n'),
      Float64Array.from(order, (i) => keys[i]),
      ends,
    );
  }

  line(): string {
    const start = this.at === 0 ? 0 : this.ends[this.at - 1] + 1;
    return this.text.slice(start, this.ends[this.at]);
  }

  next(): undefined {
    this.at++;
    this.load();
    return undefined;
  }

  private load(): void {
    if (this.at >= this.keys.length) {
      this.done = true;
      return;
    }
    this.key = this.keys[this.at];
  }
}

/** A spilled run, read a chunk at a time, so merging holds a chunk per run, never a whole run. */
class FileRun extends Run {
  private keys: number[] = [];
  private lines: string[] = [];
  private at = 0;

  private constructor(private readonly file: RunFile) {
    super(false);
  }

  static async open(file: string): Promise<FileRun> {
    const run = new FileRun(await RunFile.open(file));
    await run.fill();
    return run;
  }

  line(): string {
    return this.lines[this.at];
  }

  next(): Promise<void> | undefined {
    this.at++;
    // Most steps stay within the chunk already read: no await, which per line cost more than the merge itself.
    if (this.at < this.lines.length) {
      this.key = this.keys[this.at];
      return undefined;
    }
    return this.fill();
  }

  close(): Promise<void> {
    return this.file.close();
  }

  private async fill(): Promise<void> {
    const entries = await this.file.nextLines();
    this.keys = [];
    this.lines = [];
    for (const text of entries) {
      const tab = text.indexOf('\t');
      this.keys.push(Number(text.slice(0, tab)));
      this.lines.push(text.slice(tab + 1));
    }
    this.at = 0;
    this.done = entries.length === 0;
    if (!this.done) this.key = this.keys[0];
  }
}

/**
 * Hands `emit` the runs' lines below `watermark`, smallest key first; each
 * run is left at its first line at or above it. `runs` are in the order
 * their lines came (every line of a run came before those of the runs after
 * it: a spill takes every line in memory, a release every line since the
 * last), so taking the first of equal keys keeps ties in the order they came.
 */
async function mergeRuns(runs: readonly Run[], watermark: number, emit: (run: Run) => Promise<void> | undefined): Promise<void> {
  for (;;) {
    let min: Run | undefined;
    for (const run of runs) if (!run.done && run.key < watermark && (min === undefined || run.key < min.key)) min = run;
    if (min === undefined) return;
    const writing = emit(min);
    if (writing) await writing;
    const reading = min.next();
    if (reading) await reading;
  }
}

/** A spill file's lines a chunk at a time; multi-byte characters and lines cut at chunk edges are put back together. */
class RunFile {
  private readonly chunk = Buffer.alloc(RUN_CHUNK_BYTES);
  private readonly decoder = new StringDecoder('utf8');
  /** The start of a line whose end is in a later chunk. */
  private partial = '';

  private constructor(private readonly handle: FileHandle) {}

  static async open(file: string): Promise<RunFile> {
    return new RunFile(await open(file, 'r'));
  }

  /** The next complete lines (at least one unless the file is over; empty then). */
  async nextLines(): Promise<string[]> {
    for (;;) {
      const { bytesRead } = await this.handle.read(this.chunk, 0, RUN_CHUNK_BYTES, null);
      if (bytesRead === 0) {
        const last = this.partial + this.decoder.end();
        this.partial = '';
        return last === '' ? [] : [last];
      }
      const lines = (this.partial + this.decoder.write(this.chunk.subarray(0, bytesRead))).split('\n');
      this.partial = lines.pop() ?? '';
      if (lines.length > 0) return lines;
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
