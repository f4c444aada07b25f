import { executableResponse } from '../../../src/capture/app/http-response';

const read = (text: string) => {
  const bytes = Buffer.from(text, 'latin1');
  return executableResponse(bytes, 0, bytes.length);
};

describe('HTTP response', () => {
  it('sees a program in the Content-Type or at the start of the body', () => {
    expect(read('HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename="a.dll"\r\nContent-Type: application/x-msdownload\r\nContent-Length: 802816\r\n\r\n')).toBe(1);
    expect(read('HTTP/1.0 200 OK\r\ncontent-type:  Application/X-DOSEXEC\r\n\r\n')).toBe(1);
    expect(read('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\nMZ\x90\x00\x03\x00\x00\x00')).toBe(1);
    expect(read('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n\x7fELF\x02\x01\x01')).toBe(1);
  });

  it('passes pages, images and other downloads, and reads nothing from what is no response', () => {
    expect(read('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>MZ</html>')).toBe(0);
    expect(read('HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n')).toBe(0);
    // Headers cut before the body: only the Content-Type could have told.
    expect(read('HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Len')).toBe(0);
    expect(read('GET / HTTP/1.1\r\n\r\n')).toBe(-1);
    expect(read('\x16\x03\x03')).toBe(-1);
  });
});
