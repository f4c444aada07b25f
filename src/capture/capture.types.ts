/**
 * Types shared by the capture readers, the packet decoder and the pipeline.
 */

/** Anything that delivers the bytes of a capture: a Node `Readable`, a file stream, `tcpdump -w -` stdout. */
export type CaptureSource = AsyncIterable<Uint8Array>;

/**
 * One captured frame as read from the file. The reader reuses a single instance
 * and `data` is a view into its current chunk, so a frame is only valid during
 * the callback that receives it: copy what must outlive it.
 */
export interface Frame {
  data: Buffer;
  /** Start of the frame's bytes inside `data`. */
  offset: number;
  capturedLength: number;
  /** Length on the wire (may exceed `capturedLength` when the snap length cut it). */
  originalLength: number;
  /** Epoch milliseconds; the fraction keeps sub-millisecond precision. */
  timestampMs: number;
  /** LINKTYPE_* value of the frame's interface. */
  linkType: number;
  /** pcapng interface index within its section; 0 for classic pcap. */
  interfaceId: number;
}

export type FrameSink = (frame: Frame) => void;

/** Push parser for one capture format: fed arbitrary chunks, emits whole frames. */
export interface FrameParser {
  push(chunk: Buffer, sink: FrameSink): void;
  /** Called once at end of input: accounts for a trailing partial record. */
  end(): void;
}

/** Counters of one read. Malformed input is counted here instead of thrown. */
export interface CaptureStats {
  /** Packet records found in the file, decodable or not. */
  packets: number;
  /** Packets turned into a decoded packet. */
  decoded: number;
  /** Skipped records and packets by reason (e.g. `truncated_record`, `truncated_tcp`). */
  malformed: Record<string, number>;
  /** Packets whose link type this decoder does not know. */
  unknownLinkType: number;
  /** Well-formed frames that carry no IP or ARP (LLDP, STP, ...), by reason. */
  skipped: Record<string, number>;
}

export function createCaptureStats(): CaptureStats {
  return { packets: 0, decoded: 0, malformed: {}, unknownLinkType: 0, skipped: {} };
}

export function countReason(counts: Record<string, number>, reason: string): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}
