import type { DecodedPacket } from '../decoded-packet';
import { authFailure, authPort } from './auth-failure';
import { readHttpRequest, type HttpRequestInfo } from './http-request';
import { readClientHello, type ClientHelloInfo } from './tls-client-hello';

/**
 * DNS query types that ordinary clients ask for. Anything else (TXT, NULL,
 * ANY, zone transfers, private types) is what DNS tunnels and C2 channels
 * use to carry data in answers; ordinary clients ask for TXT too (mail
 * checks, service discovery), so this is a column, not a red flag.
 */
const USUAL_DNS_TYPES = new Set([1, 2, 5, 6, 12, 15, 28, 33, 35, 43, 48, 64, 65, 257]);

/**
 * What a flow's first payload bytes said about its application, in the
 * spirit of Zeek's protocol logs and ntopng's flow risks: the first request
 * the originator sent (an HTTP request line or a TLS ClientHello's server
 * name), the DNS
 * query types asked, and the failed logins the server reported on a login
 * port (FTP, SMTP, POP3, Kerberos). Only the originator's first payload
 * packet is parsed for a request; server packets are looked at only on
 * login ports, a few bytes each. One object per flow with payload: the
 * parsers write into its own fields.
 */
export class AppMeta implements HttpRequestInfo, ClientHelloInfo {
  private requestRead = false;
  private hasHttp = false;
  private hasTls = false;
  /** The server answered on a port whose failed logins authFailure() reads. */
  private loginAnswered = false;
  uriInjection = 0;
  hostIsAddress = -1;
  sniLength = 0;
  /** -1 before any DNS question, else 1 once one asked for an unusual type, 0 while none did. */
  private unusualDnsType = -1;
  authFailures = 0;

  /** Called for every packet of the flow that carries captured payload. */
  observe(packet: DecodedPacket, isOrig: boolean, respPort: number, tcp: boolean): void {
    if (packet.dns.nameLength >= 0 && packet.dns.type > 0) {
      const unusual = USUAL_DNS_TYPES.has(packet.dns.type) ? 0 : 1;
      if (unusual > this.unusualDnsType) this.unusualDnsType = unusual;
    }
    if (isOrig) {
      if (!this.requestRead) {
        this.requestRead = true;
        this.hasHttp = tcp && readHttpRequest(packet.linkData, packet.payloadAt, packet.payloadEnd, this);
        this.hasTls = tcp && !this.hasHttp && readClientHello(packet.linkData, packet.payloadAt, packet.payloadEnd, this);
      }
      return;
    }
    if (!authPort(respPort)) return;
    this.loginAnswered = true;
    if (authFailure(packet.linkData, packet.payloadAt, packet.payloadEnd, respPort, tcp)) this.authFailures++;
  }

  /** A new accounting period (active timeout): failed logins count per record, the request stays what it was. */
  restart(): void {
    this.authFailures = 0;
  }

  /** Adds the flow's application columns to its attributes. */
  addTo(attributes: Record<string, number>): void {
    if (this.loginAnswered) attributes.auth_failures = this.authFailures;
    if (this.unusualDnsType >= 0) attributes.dns_qtype_unusual = this.unusualDnsType;
    if (this.hasHttp) {
      attributes.http_uri_injection = this.uriInjection;
      if (this.hostIsAddress >= 0) attributes.http_host_ip = this.hostIsAddress;
    }
    if (this.hasTls) attributes.tls_sni_len = this.sniLength;
  }
}

/**
 * How many application red flags a flow's attributes carry: its failed
 * logins and the injection signs in its HTTP request URI. Both stay at zero
 * in ordinary traffic. An unusual DNS type is not counted: ordinary
 * clients ask for TXT too.
 * -1 when the flow has neither column (no HTTP request, no login port, or a
 * Zeek record): there was nothing to count.
 */
export function applicationRedFlags(attributes: Readonly<Record<string, unknown>> | undefined): number {
  if (attributes === undefined) return -1;
  const { auth_failures: auth, http_uri_injection: injection } = attributes;
  if (typeof auth !== 'number' && typeof injection !== 'number') return -1;
  return (typeof auth === 'number' ? auth : 0) + (typeof injection === 'number' ? injection : 0);
}
