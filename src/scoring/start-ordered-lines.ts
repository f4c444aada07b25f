import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export type TextSink = (text: string) => Promise<void>;

interface Entry {
  key: number;
  seq: number;
  line: string;
}

/** One sorted run being merged: its current entry and the rest of its file. */
interface Run {
  head: Entry | undefined;
  rest: AsyncIterator<string | Entry> | undefined;
}

const DEFAULT_MAX_BUFFERED = 10_000;

/**
 * Puts lines in the order of a key (a flow's start time), ties in the order
 * they came. The flow table reports flows when they end, so a capture's flow
 * lines arrive out of start order; this restores it with bounded memory: every
 * `maxBuffered` lines are sorted and spilled to a temporary file, and `drain`
 * merges the files; `close` deletes them. Lines must not contain newlines (JSON lines do not).
 */
export class StartOrderedLines {
  private buffer: Entry[] = [];
  private readonly runFiles: string[] = [];
  private dir: string | undefined;
  private seq = 0;

  constructor(private readonly maxBuffered = DEFAULT_MAX_BUFFERED) {}

  async add(key: number, line: string): Promise<void> {
    this.buffer.push({ key, seq: this.seq++, line });
    if (this.buffer.length >= this.maxBuffered) await this.spill();
  }

  /** Writes every line in key order to `sink`. */
  async drain(sink: TextSink): Promise<void> {
    const runs: Run[] = this.runFiles.map((file) => ({ head: undefined, rest: readEntries(file) }));
    runs.push({ head: undefined, rest: toAsync(this.buffer.sort(byKey)) });
    for (const run of runs) await advance(run);
    let out: string[] = [];
    for (;;) {
      let min: Run | undefined;
      for (const run of runs) if (run.head && (!min?.head || byKey(run.head, min.head) < 0)) min = run;
      if (!min?.head) break;
      out.push(min.head.line);
      if (out.length >= 1000) {
        await sink(`${out.join('\n')}\n`);
        out = [];
      }
      await advance(min);
    }
    if (out.length > 0) await sink(`${out.join('\n')}\n`);
    this.buffer = [];
  }

  /** Deletes the temporary files, drained or not. */
  async close(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private async spill(): Promise<void> {
    this.dir ??= await mkdtemp(path.join(tmpdir(), 'netsentinel-order-'));
    const file = path.join(this.dir, `run-${this.runFiles.length}`);
    const text = this.buffer.sort(byKey).map((e) => `${e.key}\t${e.seq}\t${e.line}`).join('\n');
    await writeFile(file, `${text}\n`);
    this.runFiles.push(file);
    this.buffer = [];
  }
}

function byKey(a: Entry, b: Entry): number {
  return a.key - b.key || a.seq - b.seq;
}

async function advance(run: Run): Promise<void> {
  const next = await run.rest?.next();
  if (!next || next.done) {
    run.head = undefined;
    run.rest = undefined;
    return;
  }
  run.head = typeof next.value === 'string' ? parseEntry(next.value) : next.value;
}

function parseEntry(text: string): Entry {
  const a = text.indexOf('\t');
  const b = text.indexOf('\t', a + 1);
  return { key: Number(text.slice(0, a)), seq: Number(text.slice(a + 1, b)), line: text.slice(b + 1) };
}

function readEntries(file: string): AsyncIterator<string> {
  return createInterface({ input: createReadStream(file), crlfDelay: Infinity })[Symbol.asyncIterator]();
}

async function* toAsync(entries: Entry[]): AsyncGenerator<Entry> {
  yield* entries;
}
