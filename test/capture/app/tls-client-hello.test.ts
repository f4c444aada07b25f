import { readClientHello, type ClientHelloInfo } from '../../../src/capture/app/tls-client-hello';
import { clientHello, extension, serverName } from '../../helpers/tls-hello';

function read(bytes: Buffer): ClientHelloInfo | undefined {
  const out: ClientHelloInfo = { sniLength: -1, alpnOffered: -1 };
  return readClientHello(bytes, 0, bytes.length, out) ? out : undefined;
}

const ALPN = extension(16, Buffer.from([0, 3, 2, 0x68, 0x32]));

describe('TLS ClientHello', () => {
  it('reads the length of the server name and whether ALPN is offered, wherever they are among the extensions', () => {
    expect(read(clientHello(17, [serverName('www.example.com'), ALPN]))).toEqual({ sniLength: 15, alpnOffered: 1 });
    expect(read(clientHello(3, [ALPN, extension(43, Buffer.from([2, 3, 4])), serverName('a.example')]))).toEqual({ sniLength: 9, alpnOffered: 1 });
    expect(read(clientHello(3, [serverName('a.example'), extension(43, Buffer.from([2, 3, 4]))]))).toEqual({ sniLength: 9, alpnOffered: 0 });
  });

  it('reports a hello that names no server, with or without ALPN', () => {
    expect(read(clientHello(19, [ALPN]))).toEqual({ sniLength: 0, alpnOffered: 1 });
    expect(read(clientHello(4, []))).toEqual({ sniLength: 0, alpnOffered: 0 });
  });

  it('reads a hello cut by the end of the packet as far as it goes', () => {
    const whole = clientHello(17, [ALPN, serverName('www.example.com')]);
    // The name's length is in the first bytes of its extension, before the name.
    expect(read(whole.subarray(0, whole.length - 10))).toEqual({ sniLength: 15, alpnOffered: 1 });
    expect(read(whole.subarray(0, whole.length - 22))).toEqual({ sniLength: 0, alpnOffered: 1 });
  });

  it('reads nothing from other records, other handshakes or a cut header', () => {
    const hello = clientHello(2, []);
    expect(read(Buffer.concat([Buffer.from([0x17]), hello.subarray(1)]))).toBeUndefined();
    const serverHello = Buffer.from(hello);
    serverHello[5] = 2;
    expect(read(serverHello)).toBeUndefined();
    expect(read(hello.subarray(0, 40))).toBeUndefined();
    expect(read(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toBeUndefined();
  });
});
