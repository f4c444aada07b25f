import { readHttpRequest, type HttpRequestInfo } from '../../../src/capture/app/http-request';

function request(text: string): HttpRequestInfo | undefined {
  const out: HttpRequestInfo = { uriInjection: -1, hostIsAddress: -2 };
  const bytes = Buffer.from(`xx${text}`, 'latin1');
  return readHttpRequest(bytes, 2, bytes.length, out) ? out : undefined;
}

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:45.0) Gecko/20100101 Firefox/45.0';

describe('HTTP request line and headers', () => {
  it('reads an ordinary request: a named host, no injection signs', () => {
    expect(request(`GET /index.html?q=shoes&page=2 HTTP/1.1\r\nUser-Agent: ${BROWSER}\r\nHost: shop.example.com\r\n\r\n`)).toEqual({
      uriInjection: 0, hostIsAddress: 0,
    });
  });

  it('counts the kinds of injection signs in the percent-decoded URI', () => {
    const sqli = (q: string) => request(`GET /dv/vulnerabilities/sqli/?id=${q}&Submit=Submit HTTP/1.1\r\nHost: 10.0.0.5\r\n\r\n`)!.uriInjection;
    expect(sqli('1')).toBe(0);
    expect(sqli('1%27')).toBe(1);
    expect(sqli('1%27+and+1%3D1%23')).toBe(2);
    expect(sqli('1%27+and+1%3D1+union+select+database%28%29%2C+user%28%29%23')).toBe(3);
    expect(sqli("1'--")).toBe(2);
    expect(request('GET /a?x=%24%7Bjndi:ldap://h/a%7D HTTP/1.1\r\n\r\n')!.uriInjection).toBe(1);
    expect(request('GET /static/../../etc/passwd HTTP/1.0\r\n\r\n')!.uriInjection).toBe(1);
    expect(request('GET /search?q=%3Cscript%3Ealert(1)%3C/script%3E HTTP/1.1\r\n\r\n')!.uriInjection).toBe(1);
    // Words alone are not SQL: "select" without "union" is an ordinary query term.
    expect(request('GET /search?q=select+a+union+jack HTTP/1.1\r\n\r\n')!.uriInjection).toBe(1);
    expect(request('GET /search?q=select+shoes HTTP/1.1\r\n\r\n')!.uriInjection).toBe(0);
  });

  it('tells a bare IP address in Host from a name, with or without a port, and notes a missing Host', () => {
    expect(request('GET / HTTP/1.1\r\nhost: 82.118.225.196:7080\r\n\r\n')!.hostIsAddress).toBe(1);
    expect(request('GET / HTTP/1.1\r\nHost: [2001:db8::1]:8080\r\n\r\n')!.hostIsAddress).toBe(1);
    expect(request('GET / HTTP/1.1\r\nHost: 1.2.3.example.com\r\n\r\n')!.hostIsAddress).toBe(0);
    expect(request('GET / HTTP/1.0\r\n\r\n')!.hostIsAddress).toBe(-1);
  });

  it('reads nothing from bytes that are not a request line', () => {
    expect(request('HTTP/1.1 200 OK\r\n\r\n')).toBeUndefined();
    expect(request('GETTING / HTTP/1.1\r\n')).toBeUndefined();
    expect(request('GET /only-a-start')).toBeUndefined();
    expect(request('GET  HTTP/1.1\r\n')).toBeUndefined();
    expect(request('\x16\x03\x01\x00\x05hello')).toBeUndefined();
  });
});
