import { IpProtocol } from './protocols';

/**
 * Service names (Zeek's spelling, so capture and Zeek flows agree) guessed
 * from well-known ports. Zeek identifies services by content; a port is only a
 * hint, which is all a header-only reader has.
 */
const TCP_SERVICES: Readonly<Record<number, string>> = {
  20: 'ftp-data', 21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 53: 'dns', 80: 'http', 88: 'krb', 110: 'pop3',
  135: 'dce_rpc', 139: 'smb', 143: 'imap', 389: 'ldap', 443: 'ssl', 445: 'smb', 465: 'smtp', 587: 'smtp', 636: 'ldap',
  993: 'imap', 995: 'pop3', 1080: 'socks', 1433: 'tds', 1883: 'mqtt', 3306: 'mysql', 3389: 'rdp', 5060: 'sip',
  5222: 'xmpp', 5432: 'postgresql', 5900: 'rfb', 6379: 'redis', 6667: 'irc', 8080: 'http', 8443: 'ssl', 8883: 'ssl',
};

const UDP_SERVICES: Readonly<Record<number, string>> = {
  53: 'dns', 67: 'dhcp', 68: 'dhcp', 69: 'tftp', 88: 'krb', 123: 'ntp', 137: 'netbios-ns', 138: 'netbios-dgm',
  161: 'snmp', 162: 'snmp', 443: 'quic', 500: 'ipsec', 514: 'syslog', 1812: 'radius', 1900: 'ssdp', 5060: 'sip',
  5353: 'dns', 5355: 'dns', 4500: 'ipsec',
};

/** The responder's port decides; the originator's is tried when the first packet seen was a reply. */
export function guessService(protocol: number, origPort: number, respPort: number): string | undefined {
  const table = protocol === IpProtocol.TCP ? TCP_SERVICES : protocol === IpProtocol.UDP ? UDP_SERVICES : undefined;
  if (!table) return undefined;
  return table[respPort] ?? table[origPort];
}
