/**
 * The capture layer: pcap / pcapng / live tcpdump streams and Zeek conn.logs
 * in, TrafficRecords (per packet or per flow, optionally with windowed
 * features) out.
 */
export { capturePipeline, CapturePipeline } from './capture.pipeline';
export type { CapturePipelineOptions, CapturePipelineStats } from './capture.pipeline';
export { detectCaptureFormat } from './capture-format';
export type { CaptureFormat } from './capture-format';
export { openCapture, readPackets, readPcapRecords } from './capture-source';
export type { CapturedPacket, ReadOptions } from './capture-source';
export { createCaptureStats } from './capture.types';
export type { CaptureSource, CaptureStats } from './capture.types';
export { PacketDecoder } from './packet.decoder';
export { DecodedPacket } from './decoded-packet';
export { packetRecord } from './packet-record';
export { LinkType } from './link-layer';
export { FlowTable, DEFAULT_FLOW_OPTIONS } from './flow.table';
export type { FlowTableOptions, FlowTableStats } from './flow.table';
export { WindowedFeatures, DEFAULT_WINDOWED_OPTIONS, featureNames } from './windowed.features';
export { FlowFeatures, flowFeatureNames, failedFlow } from './flow.features';
export type { FlowFeatureStats } from './flow.features';
export type { WindowedFeatureOptions, WindowedFeatureStats } from './windowed.features';
export { readZeekConnLog, createZeekReadStats } from './zeek-conn.reader';
export type { ZeekReadOptions, ZeekReadStats } from './zeek-conn.reader';
