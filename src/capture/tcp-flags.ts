/** TCP header flag bits (byte 13). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

const LETTERS = 'FSRPAUEC';

/** Precomputed so a packet record's flags string allocates nothing. */
const FLAG_STRINGS: readonly string[] = Array.from({ length: 256 }, (_, bits) =>
  [...LETTERS].filter((_, i) => bits & (1 << i)).join(''),
);

/** Letters of the set flags in bit order: 'S', 'SA', 'FA', 'PA', 'FPA', 'R', ... ('' for none). */
export function tcpFlagString(bits: number): string {
  return FLAG_STRINGS[bits & 0xff];
}
