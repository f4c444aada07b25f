import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';
import { TrafficRecord } from '../records/traffic-record';
import { CaptureFormat } from './capture-format';
import { OpenedCapture, openCapture, parseFrames } from './capture-source';
import { CaptureSource, CaptureStats, createCaptureStats, Frame } from './capture.types';
import { FlowTable, FlowTableOptions, FlowTableStats } from './flow.table';
import { PacketDecoder } from './packet.decoder';
import { packetRecord } from './packet-record';
import { FlowFeatures, FlowFeatureStats } from './flow.features';
import { WindowedFeatureOptions, WindowedFeatures, WindowedFeatureStats } from './windowed.features';
import { createZeekReadStats, readZeekConnLog, ZeekReadStats } from './zeek-conn.reader';

export interface CapturePipelineOptions {
  /** One record per packet, or one per bidirectional flow. */
  kind: 'packet' | 'flow';
  /** Add the windowed features (per host, pair and socket for packets; per source, destination, pair and state for flows) to each record's attributes. */
  windowed: boolean;
  /** Records per batch (default 1000). */
  batchSize?: number;
  /**
   * For live captures: a partial batch older than this (wall clock) is handed
   * out when the next chunk arrives instead of waiting to fill (default 1000).
   */
  maxBatchDelayMs?: number;
  flows?: Partial<FlowTableOptions>;
  features?: Partial<WindowedFeatureOptions>;
  /** Zeek input: which column becomes `label`. */
  labelColumn?: string;
}

export interface CapturePipelineStats {
  /** Detected input format; undefined until reading starts. */
  format: CaptureFormat | undefined;
  capture: CaptureStats;
  flows: FlowTableStats | undefined;
  zeek: ZeekReadStats | undefined;
  features: WindowedFeatureStats | FlowFeatureStats | undefined;
}

const NO_BATCHES: TrafficRecord[][] = [];
/** How far out of time order a capture's packets may be for its flow lines to come out in start order (see startWatermark). */
const REORDER_SLACK_MS = 10_000;

/**
 * Capture file or stream in, batches of TrafficRecords out, ready to be sent
 * to a detection service batch by batch. Reads pcap, pcapng (gzipped or not),
 * `tcpdump -w - -U` output and Zeek conn.logs (flow kind only). Memory stays
 * bounded by one input chunk, the flow table and the feature tables.
 *
 * Packet records carry features updated by their own packet. Flow records are
 * emitted when flows end (not in start order); each flow then counts as one
 * observation at its end time, sized by its IP bytes, so flow features
 * describe flows (flow rate, distinct ports of flows, ...).
 */
export class CapturePipeline implements AsyncIterable<TrafficRecord[]> {
  private readonly batchSize: number;
  private readonly maxBatchDelayMs: number;
  private readonly captureStats = createCaptureStats();
  private format: CaptureFormat | undefined;
  private flowTable: FlowTable | undefined;
  private zeekStats: ZeekReadStats | undefined;
  private packetFeatures: WindowedFeatures | undefined;
  private flowFeatures: FlowFeatures | undefined;
  private batch: TrafficRecord[] = [];
  private ready: TrafficRecord[][] = [];
  private batchStartedAt = 0;
  private started = false;
  /** Per batch of flows from packets, the earliest start a later record can have. */
  private readonly watermarks = new WeakMap<readonly TrafficRecord[], number>();

  constructor(private readonly source: CaptureSource, private readonly options: CapturePipelineOptions) {
    this.batchSize = options.batchSize ?? 1000;
    this.maxBatchDelayMs = options.maxBatchDelayMs ?? 1000;
  }

  get stats(): CapturePipelineStats {
    return {
      format: this.format,
      capture: this.captureStats,
      flows: this.flowTable?.stats,
      zeek: this.zeekStats,
      features: (this.packetFeatures ?? this.flowFeatures)?.stats,
    };
  }

  /**
   * The earliest start any record after `batch` can have (-Infinity when
   * unknown: packets, Zeek logs). Flows are reported as they end, so a
   * consumer that wants them in start order can put out every record that
   * starts before this once `batch` is in.
   */
  startWatermark(batch: readonly TrafficRecord[]): number {
    return this.watermarks.get(batch) ?? -Infinity;
  }

  /** Reads the source; a pipeline, like its source, can be iterated once. */
  async *[Symbol.asyncIterator](): AsyncGenerator<TrafficRecord[]> {
    if (this.started) throw new AppError(ErrorCode.CAPTURE_ERROR, 'a capture pipeline can only be read once');
    this.started = true;
    const capture = await openCapture(this.source);
    this.format = capture.format;
    if (this.options.windowed && this.options.kind === 'packet') this.packetFeatures = new WindowedFeatures(this.options.features);
    if (this.options.windowed && this.options.kind === 'flow') this.flowFeatures = new FlowFeatures(this.options.features);
    if (capture.format === 'zeek-tsv' || capture.format === 'zeek-json') yield* this.zeekBatches(capture);
    else yield* this.packetBatches(capture);
  }

  private async *packetBatches(capture: OpenedCapture): AsyncGenerator<TrafficRecord[]> {
    const decoder = new PacketDecoder(this.captureStats);
    const onPacket = this.options.kind === 'packet' ? this.packetHandler(decoder) : this.flowHandler(decoder);
    const sink = (frame: Frame): void => {
      if (decoder.decode(frame)) onPacket();
    };
    for await (const _ of parseFrames(capture, this.captureStats, sink)) yield* this.takeBatches(false);
    this.flowTable?.flush();
    yield* this.takeBatches(true);
  }

  private packetHandler(decoder: PacketDecoder): () => void {
    const features = this.packetFeatures;
    return () => {
      const packet = decoder.packet;
      const record = packetRecord(packet);
      // As on flows: what the question name looks like is what gives a DNS tunnel away.
      const dns = packet.dns.nameLength >= 0 ? { dns_qname_len: packet.dns.nameLength, dns_qname_entropy: packet.dns.entropy } : undefined;
      if (features) {
        features.update(packet.timestampMs, packet.srcIp, packet.dstIp, packet.srcPort, packet.dstPort, packet.ipLength);
        record.attributes = features.attributes(dns);
      } else if (dns) {
        record.attributes = dns;
      }
      this.push(record);
    };
  }

  private flowHandler(decoder: PacketDecoder): () => void {
    const features = this.flowFeatures;
    const table = new FlowTable((record) => {
      features?.annotate(record);
      this.push(record);
    }, this.options.flows);
    this.flowTable = table;
    return () => table.add(decoder.packet);
  }

  private async *zeekBatches(capture: OpenedCapture): AsyncGenerator<TrafficRecord[]> {
    if (this.options.kind !== 'flow') {
      throw new AppError(ErrorCode.CAPTURE_ERROR, 'a Zeek conn.log holds flows: use kind "flow"', { format: capture.format });
    }
    const stats = createZeekReadStats();
    this.zeekStats = stats;
    for await (const record of readZeekConnLog(capture.chunks, { stats, labelColumn: this.options.labelColumn })) {
      this.flowFeatures?.annotate(record);
      this.push(record);
      yield* this.takeBatches(false);
    }
    yield* this.takeBatches(true);
  }

  private push(record: TrafficRecord): void {
    if (this.batch.length === 0) this.batchStartedAt = Date.now();
    this.batch.push(record);
    if (this.batch.length >= this.batchSize) this.seal(this.flowTable?.startWatermark(REORDER_SLACK_MS));
  }

  /** Hands out the batch being filled; `watermark` bounds the starts of the records after it. */
  private seal(watermark: number | undefined): void {
    if (watermark !== undefined) this.watermarks.set(this.batch, watermark);
    this.ready.push(this.batch);
    this.batch = [];
  }

  /** Full batches, plus the partial one at the end or when it waited too long. */
  private takeBatches(final: boolean): TrafficRecord[][] {
    if (this.batch.length > 0 && (final || Date.now() - this.batchStartedAt >= this.maxBatchDelayMs)) {
      this.seal(final ? Infinity : this.flowTable?.startWatermark(REORDER_SLACK_MS));
    }
    if (this.ready.length === 0) return NO_BATCHES;
    const taken = this.ready;
    this.ready = [];
    return taken;
  }
}

export function capturePipeline(source: CaptureSource, options: CapturePipelineOptions): CapturePipeline {
  return new CapturePipeline(source, options);
}
