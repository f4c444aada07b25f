/** Magic numbers of the formats the capture layer reads, and format sniffing. */

export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
/** pcapng Section Header Block type; a palindrome, so it reads the same in both byte orders. */
export const PCAPNG_SHB_TYPE = 0x0a0d0d0a;

export type CaptureFormat = 'pcap' | 'pcapng' | 'zeek-tsv' | 'zeek-json' | 'gzip' | 'unknown';

/** Bytes `detectCaptureFormat` wants to see; fewer only at the end of a short input. */
export const SNIFF_BYTES = 16;

/** Tells the format from the first bytes of a file or stream (at least 4 for the binary formats). */
export function detectCaptureFormat(firstBytes: Uint8Array): CaptureFormat {
  if (firstBytes.length >= 4) {
    const bytes = Buffer.from(firstBytes.buffer, firstBytes.byteOffset, firstBytes.byteLength);
    const le = bytes.readUInt32LE(0);
    const be = bytes.readUInt32BE(0);
    if (isPcapMagic(le) || isPcapMagic(be)) return 'pcap';
    if (be === PCAPNG_SHB_TYPE) return 'pcapng';
  }
  if (firstBytes.length >= 2 && firstBytes[0] === 0x1f && firstBytes[1] === 0x8b) return 'gzip';
  return detectTextFormat(firstBytes);
}

function isPcapMagic(value: number): boolean {
  return value === PCAP_MAGIC_MICROS || value === PCAP_MAGIC_NANOS;
}

function detectTextFormat(firstBytes: Uint8Array): CaptureFormat {
  for (const byte of firstBytes) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0xef || byte === 0xbb || byte === 0xbf) continue; // whitespace, UTF-8 BOM
    if (byte === 0x23) return 'zeek-tsv'; // '#separator', '#fields'
    if (byte === 0x7b) return 'zeek-json'; // '{'
    return 'unknown';
  }
  return 'unknown';
}
