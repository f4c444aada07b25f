import type { DecodedPacket } from '../decoded-packet';
import { authFailure, authPort } from './auth-failure';
import { readTxtAnswers, type TxtAnswer } from './dns-answer';
import { readHttpRequest, type HttpRequestInfo } from './http-request';
import { executableResponse } from './http-response';
import { selfSignedCertificate } from './tls-certificate';
import { readClientHello, type ClientHelloInfo } from './tls-client-hello';

/**
 * DNS query types that ordinary clients ask for. Anything else (TXT, NULL,
 * ANY, zone transfers, private types) is what DNS tunnels and C2 channels
 * use to carry data in answers; ordinary clients ask for TXT too (mail
 * checks, service discovery), so this is a column, not a red flag.
 */
const USUAL_DNS_TYPES = new Set([1, 2, 5, 6, 12, 15, 28, 33, 35, 43, 48, 64, 65, 257]);

/**
 * Bits per character from which TXT answer text counts as encoded data: base64
 * of random bytes comes close to 6, words and numbers stay near 4.
 */
const HIGH_TXT_ENTROPY = 5;

/** Reused by every flow: a read fills it, the flow keeps what it needs. */
const txt: TxtAnswer = { chars: 0, entropy: 0 };

/** Ports registered for HTTP: the web port, its alternates and the proxy ports. */
const HTTP_PORTS = new Set([80, 591, 3128, 8000, 8008, 8080, 8081, 8888]);
/**
 * Ports registered for TLS from the first byte (IANA's implicit-TLS
 * services): HTTPS and its alternates, SMTPS, LDAPS, DNS over TLS, FTPS,
 * IMAPS, POP3S, SIP over TLS, Apple push, MQTT over TLS.
 */
const TLS_PORTS = new Set([443, 465, 636, 853, 989, 990, 993, 995, 4433, 5061, 5223, 8443, 8883, 9443]);

/**
 * What a flow's first payload bytes said about its application, in the
 * spirit of Zeek's protocol logs and ntopng's flow risks: the first request
 * the originator sent (an HTTP request line or a TLS ClientHello's server
 * name and ALPN), the server's first answer to it (a program delivered over
 * HTTP, a self-signed certificate), the DNS query types asked and the text
 * of TXT answers, and the failed logins the server reported on a login
 * port (FTP, SMTP, POP3, Kerberos). Only the originator's first payload
 * packet is parsed for a request and the server's first for its answer;
 * other server packets are looked at only on login ports and as DNS TXT
 * answers. One object per flow with payload: the parsers write into its own fields.
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
  alpnOffered = 0;
  /** -1 before any DNS question, else 1 once one asked for an unusual type, 0 while none did. */
  private unusualDnsType = -1;
  authFailures = 0;
  private responseRead = false;
  /** The server's first answer to an HTTP request delivered a program (see executableResponse). */
  private executable = false;
  /** The TLS server presented a certificate it signed itself (see selfSignedCertificate). */
  private selfSigned = false;
  /** The highest entropy of TXT answer text in the flow's responses; -1 before any such text. */
  private txtEntropy = -1;
  /** The responder's port, which the request is checked against (see offPort). */
  private respPort = -1;

  /** Called for every packet of the flow that carries captured payload. */
  observe(packet: DecodedPacket, isOrig: boolean, respPort: number, tcp: boolean): void {
    if (packet.dns.nameLength >= 0 && packet.dns.type > 0) {
      const unusual = USUAL_DNS_TYPES.has(packet.dns.type) ? 0 : 1;
      if (unusual > this.unusualDnsType) this.unusualDnsType = unusual;
      if (!isOrig && packet.dns.type === 16) this.readTxt(packet);
    }
    if (isOrig) {
      if (!this.requestRead) {
        this.requestRead = true;
        this.respPort = respPort;
        this.hasHttp = tcp && readHttpRequest(packet.linkData, packet.payloadAt, packet.payloadEnd, this);
        this.hasTls = tcp && !this.hasHttp && readClientHello(packet.linkData, packet.payloadAt, packet.payloadEnd, this);
      }
      return;
    }
    if (!this.responseRead && (this.hasHttp || this.hasTls)) {
      this.responseRead = true;
      const { linkData, payloadAt, payloadEnd } = packet;
      if (this.hasHttp) this.executable = executableResponse(linkData, payloadAt, payloadEnd) === 1;
      else this.selfSigned = selfSignedCertificate(linkData, payloadAt, payloadEnd) === 1;
    }
    if (!authPort(respPort)) return;
    this.loginAnswered = true;
    if (authFailure(packet.linkData, packet.payloadAt, packet.payloadEnd, respPort, tcp)) this.authFailures++;
  }

  private readTxt(packet: DecodedPacket): void {
    const questionWire = packet.dns.nameLength === 0 ? 1 : packet.dns.nameLength + 2;
    if (!readTxtAnswers(packet.linkData, packet.payloadAt, packet.payloadEnd, questionWire, txt) || txt.chars === 0) return;
    if (txt.entropy > this.txtEntropy) this.txtEntropy = txt.entropy;
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
    attributes.app_risks = this.risks();
  }

  /** The flow's risk signs: see applicationRisks. */
  private risks(): number {
    const noServerName = this.hasTls && this.sniLength === 0;
    let count = noServerName ? 1 : 0;
    if (noServerName && this.alpnOffered === 1) count++;
    if ((this.hasHttp || this.hasTls) && this.offPort()) count++;
    if (this.selfSigned) count++;
    if (this.executable) count++;
    if (this.txtEntropy >= HIGH_TXT_ENTROPY) count++;
    return count;
  }

  /**
   * The request is HTTP or TLS on a port not registered for it (ntopng's
   * "known protocol on non-standard port"): C2 servers and tunnels listen
   * where port-based filters and proxies do not look.
   */
  private offPort(): boolean {
    return this.hasHttp ? !HTTP_PORTS.has(this.respPort) : !TLS_PORTS.has(this.respPort);
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

/**
 * How many application risk signs a flow carries (its app_risks column), the
 * way ntopng's flow risks name them: a TLS ClientHello naming no server
 * ("missing SNI"), and one offering ALPN all the same ("ALPN/SNI mismatch":
 * browsers never do that), HTTP or TLS on a port not registered for it
 * ("known protocol on non-standard port"), a self-signed server
 * certificate, a program delivered over HTTP ("binary application
 * transfer"), DNS TXT answers carrying encoded data (Slips' "high entropy
 * DNS TXT answer"). Unlike red flags, ordinary software shows them now and
 * then (a device connecting to an address, an updater fetching a program);
 * a source showing them again and again is a tunnel, a C2 channel or
 * malware. An unusual DNS query type is not one: ordinary tools ask for TXT
 * in runs (address-to-AS lookups, mail checks); what the answers carry is.
 * Every flow read from packets has the column (0 when nothing was read);
 * -1 without it (a Zeek record): there was nothing to count.
 */
export function applicationRisks(attributes: Readonly<Record<string, unknown>> | undefined): number {
  const risks = attributes?.app_risks;
  return typeof risks === 'number' ? risks : -1;
}
