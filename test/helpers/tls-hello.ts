/** TLS ClientHello records (RFC 8446 §4.1.2) for capture fixtures. */

export function extension(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([head, body]);
}

export function serverName(name: string): Buffer {
  const host = Buffer.from(name);
  const list = Buffer.alloc(5);
  list.writeUInt16BE(host.length + 3, 0);
  list[2] = 0;
  list.writeUInt16BE(host.length, 3);
  return extension(0, Buffer.concat([list, host]));
}

/** A TLS record holding a ClientHello with `suites` cipher suites and the given extensions. */
export function clientHello(suites: number, extensions: Buffer[]): Buffer {
  const suiteBytes = Buffer.alloc(2 + suites * 2);
  suiteBytes.writeUInt16BE(suites * 2, 0);
  for (let i = 0; i < suites; i++) suiteBytes.writeUInt16BE(0xc02b + i, 2 + i * 2);
  const ext = Buffer.concat(extensions);
  const extLength = Buffer.alloc(2);
  extLength.writeUInt16BE(ext.length, 0);
  const body = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 7), Buffer.from([32]), Buffer.alloc(32, 9), suiteBytes, Buffer.from([1, 0]), extLength, ext]);
  const handshake = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
  const record = Buffer.from([0x16, 3, 1, handshake.length >> 8, handshake.length & 0xff]);
  return Buffer.concat([record, handshake]);
}
