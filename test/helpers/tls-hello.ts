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

/** A DER element: tag, length (short or long form), content. */
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const length = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

/** A distinguished name holding one common name. */
function name(commonName: string): Buffer {
  return der(0x30, der(0x31, der(0x30, der(0x06, Buffer.from([0x55, 0x04, 0x03])), der(0x0c, Buffer.from(commonName)))));
}

/** A certificate (RFC 5280 §4.1) with the given issuer and subject; the key and signature are filler. */
export function certificate(issuer: string, subject: string): Buffer {
  const algorithm = der(0x30, der(0x06, Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b])), der(0x05));
  const validity = der(0x30, der(0x17, Buffer.from('240101000000Z')), der(0x17, Buffer.from('250101000000Z')));
  const key = der(0x30, algorithm, der(0x03, Buffer.alloc(65, 4)));
  const tbs = der(0x30, der(0xa0, der(0x02, Buffer.from([2]))), der(0x02, Buffer.from([0x11, 0x22])), algorithm, name(issuer), validity, name(subject), key);
  return der(0x30, tbs, algorithm, der(0x03, Buffer.alloc(65, 5)));
}

/** A TLS 1.2 server's first flight: a ServerHello record, then a Certificate record with `chain`. */
export function serverHelloAndCertificate(chain: Buffer[]): Buffer {
  const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
  const record = (handshakeType: number, body: Buffer) => {
    const handshake = Buffer.concat([Buffer.from([handshakeType]), u24(body.length), body]);
    return Buffer.concat([Buffer.from([0x16, 3, 3, handshake.length >> 8, handshake.length & 0xff]), handshake]);
  };
  const hello = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 1), Buffer.from([0, 0xc0, 0x2f, 0])]);
  const list = Buffer.concat(chain.map((c) => Buffer.concat([u24(c.length), c])));
  return Buffer.concat([record(2, hello), record(11, Buffer.concat([u24(list.length), list]))]);
}
