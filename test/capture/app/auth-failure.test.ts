import { authFailure, authPort, kerberosErrorCode } from '../../../src/capture/app/auth-failure';

/** DER element: tag, short or long length, content. */
function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : Buffer.from([0x81, n]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const int = (v: number) => der(0x02, Buffer.from([v]));
const time = der(0x18, Buffer.from('20200722191635Z'));

/** A KRB-ERROR (RFC 4120 §5.9.1) with the given error-code; `ctime` adds the optional fields before it. */
function krbError(code: number, o: { ctime?: boolean } = {}): Buffer {
  const fields = [
    der(0xa0, int(5)),
    der(0xa1, int(30)),
    ...(o.ctime ? [der(0xa2, time), der(0xa3, int(1))] : []),
    der(0xa4, time),
    der(0xa5, der(0x02, Buffer.from([0x05, 0x4d, 0x80]))),
    der(0xa6, int(code)),
    der(0xa9, der(0x1b, Buffer.from('EXAMPLE.COM'))),
  ];
  return der(0x7e, der(0x30, Buffer.concat(fields)));
}

const check = (bytes: Buffer, port: number, tcp = true) => authFailure(bytes, 0, bytes.length, port, tcp);

describe('failed logins in server replies', () => {
  it('reads the error code of a KRB-ERROR, with or without the optional fields', () => {
    expect(kerberosErrorCode(krbError(6), 0, krbError(6).length)).toBe(6);
    expect(kerberosErrorCode(krbError(24, { ctime: true }), 0, krbError(24, { ctime: true }).length)).toBe(24);
    const cut = krbError(6).subarray(0, 30);
    expect(kerberosErrorCode(cut, 0, cut.length)).toBe(-1);
    const asRep = Buffer.from([0x6b, 0x03, 0x30, 0x01, 0x00]);
    expect(kerberosErrorCode(asRep, 0, asRep.length)).toBe(-1);
  });

  it('counts an unknown principal or a wrong password as a failed login, not a request for pre-authentication', () => {
    expect(check(krbError(6), 88, false)).toBe(true);
    expect(check(krbError(24), 88, false)).toBe(true);
    expect(check(krbError(25), 88, false)).toBe(false);
    // Over TCP a 4-byte length comes first.
    const framed = Buffer.concat([Buffer.from([0, 0, 0, krbError(24).length]), krbError(24)]);
    expect(check(framed, 88, true)).toBe(true);
    expect(check(framed, 88, false)).toBe(false);
  });

  it('reads the reply codes of FTP, SMTP and POP3', () => {
    expect(check(Buffer.from('530 Login incorrect.\r\n'), 21)).toBe(true);
    expect(check(Buffer.from('230 Login successful.\r\n'), 21)).toBe(false);
    expect(check(Buffer.from('535 5.7.8 Authentication credentials invalid\r\n'), 587)).toBe(true);
    expect(check(Buffer.from('535-5.7.8 Username and Password not accepted\r\n'), 25)).toBe(true);
    expect(check(Buffer.from('250 OK\r\n'), 25)).toBe(false);
    expect(check(Buffer.from('-ERR invalid password\r\n'), 110)).toBe(true);
    expect(check(Buffer.from('+OK\r\n'), 110)).toBe(false);
  });

  it('looks only at login ports', () => {
    expect(authPort(21) && authPort(25) && authPort(587) && authPort(110) && authPort(88)).toBe(true);
    expect(authPort(80) || authPort(443)).toBe(false);
    expect(check(Buffer.from('530 Login incorrect.\r\n'), 80)).toBe(false);
  });
});
