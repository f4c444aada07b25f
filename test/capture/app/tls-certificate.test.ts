import { selfSignedCertificate } from '../../../src/capture/app/tls-certificate';
import { certificate, clientHello, serverHelloAndCertificate } from '../../helpers/tls-hello';

const read = (bytes: Buffer) => selfSignedCertificate(bytes, 0, bytes.length);

describe('TLS server certificate', () => {
  it('tells a certificate whose issuer is its subject from one a CA signed, reading only the first of the chain', () => {
    expect(read(serverHelloAndCertificate([certificate('example.com', 'example.com')]))).toBe(1);
    expect(read(serverHelloAndCertificate([certificate('R3 Issuing CA', 'www.example.com'), certificate('Root CA', 'R3 Issuing CA')]))).toBe(0);
    // Same length, one byte apart.
    expect(read(serverHelloAndCertificate([certificate('example.com', 'example.org')]))).toBe(0);
  });

  it('judges nothing it cannot read: no certificate, a cut one, other records', () => {
    const flight = serverHelloAndCertificate([certificate('example.com', 'example.com')]);
    const helloOnly = flight.subarray(0, 5 + ((flight[3] << 8) | flight[4]));
    expect(read(helloOnly)).toBe(-1);
    // Cut inside the issuer name: the subject is not there to compare.
    expect(read(flight.subarray(0, helloOnly.length + 50))).toBe(-1);
    expect(read(clientHello(2, []).subarray(0, 5))).toBe(-1);
    expect(read(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'))).toBe(-1);
  });
});
