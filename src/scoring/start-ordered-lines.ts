import { type FileHandle, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export type TextSink = (text: string) => Promise<void>;

interface Entry {
  key: number;
  seq: number;
  line: string;
}

/** One sorted run being merged: its current entry and the rest, in memory or in its file. */
interface Run {
  head: Entry | undefined;
  entries: Entry[];
  at: number;
  file: RunFile | undefined;
}

const DEFAULT_MAX_BUFFERED = 10_000;
/** Bytes read from a run file at a time: every run holds one such chunk's lines while merging. */
const RUN_CHUNK_BYTES = 64 * 1024;

/**
 * Puts lines in the order of a key (a flow's start time), ties in the order
 * they came. The flow table reports flows when they end, so a capture's flow
 * lines arrive out of start order; this restores it with bounded memory:
 * every `maxBuffered` lines are sorted and spilled to a temporary file, and
 * lines go out merged from the files and the buffer. `release(watermark)`
 * writes the lines whose key is below a watermark — the earliest key a line
 * still to come can have, which the capture knows from its open flows — so
 * that a capture's lines stream out as it is read and mostly never touch
 * the disk; `drain` writes the rest, `close` deletes the files. Lines must
 * not contain newlines (JSON lines do not).
 */
export class StartOrderedLines {
  private buffer: Entry[] = [];
  private readonly runs: Run[] = [];
  private dir: string | undefined;
  private seq = 0;

  constructor(private readonly maxBuffered = DEFAULT_MAX_BUFFERED) {}

  /** A promise only when the line filled the buffer and it is being spilled: the other lines cost no promise and no await. */
  add(key: number, line: string): Promise<void> | undefined {
    this.buffer.push({ key, seq: this.seq++, line });
    return this.buffer.length >= this.maxBuffered ? this.spill() : undefined;
  }

  /** Writes, in key order, every line whose key is below `watermark` (no line added later may have a lower key). */
  async release(watermark: number, sink: TextSink): Promise<void> {
    const buffered = this.buffer.sort(byKey);
    let below = 0;
    while (below < buffered.length && buffered[below].key < watermark) below++;
    if (below === 0 && this.runs.length === 0) return;
    this.buffer = buffered.slice(below);
    const memory: Run = { head: undefined, entries: buffered.slice(0, below), at: 0, file: undefined };
    await advance(memory);
    await this.merge([...this.runs, memory], watermark, sink);
  }

  /** Writes every line in key order. */
  drain(sink: TextSink): Promise<void> {
    return this.release(Infinity, sink);
  }

  /** Closes and deletes the temporary files, drained or not. */
  async close(): Promise<void> {
    for (const run of this.runs) await run.file?.close();
    this.runs.length = 0;
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  /** Writes the runs' lines below `watermark`, smallest first; each run keeps its first line at or above it. */
  private async merge(runs: Run[], watermark: number, sink: TextSink): Promise<void> {
    let out: string[] = [];
    for (;;) {
      let min: Run | undefined;
      for (const run of runs) if (run.head && run.head.key < watermark && (!min?.head || byKey(run.head, min.head) < 0)) min = run;
      if (!min?.head) break;
      out.push(min.head.line);
      if (out.length >= 1000) {
        await sink(`${out.join('\n')}\n`);
        out = [];
      }
      // Most steps stay within the chunk already read: no await, which per line cost more than the merge itself.
      if (min.at < min.entries.length) min.head = min.entries[min.at++];
      else await advance(min);
    }
    if (out.length > 0) await sink(`${out.join('\n')}\n`);
  }

  private async spill(): Promise<void> {
    this.dir ??= await mkdtemp(path.join(tmpdir(), 'netsentinel-order-'));
    const file = path.join(this.dir, `run-${this.runs.length}`);
    const text = this.buffer.sort(byKey).map((e) => `${e.key}\t${e.seq}\t${e.line}`).join('\n');
    await writeFile(file, `${text}\n`);
    this.buffer = [];
    const run: Run = { head: undefined, entries: [], at: 0, file: await RunFile.open(file) };
    await advance(run);
    this.runs.push(run);
  }
}

function byKey(a: Entry, b: Entry): number {
  return a.key - b.key || a.seq - b.seq;
}

/** Moves the run to its next entry, reading the next chunk of its file when the one in memory is used up. */
async function advance(run: Run): Promise<void> {
  if (run.at >= run.entries.length && run.file) {
    run.entries = (await run.file.nextLines()).map(parseEntry);
    run.at = 0;
  }
  run.head = run.at < run.entries.length ? run.entries[run.at++] : undefined;
}

function parseEntry(text: string): Entry {
  const a = text.indexOf('\t');
  const b = text.indexOf('\t', a + 1);
  return { key: Number(text.slice(0, a)), seq: Number(text.slice(a + 1, b)), line: text.slice(b + 1) };
}

/** A spilled run read a chunk at a time, so merging holds a chunk per run, never a whole run. */
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
