/**
 * The application columns the capture layer reads from a flow's first
 * payload bytes (src/capture/app), in words a person reads in an alert.
 */

const yesNo = (yes: string, no: string) => (v: string) => (v === '1' ? yes : no);

export const APP_ATTRIBUTE_LABELS: Record<string, string> = {
  auth_failures: 'failed logins (per flow)',
  http_uri_injection: 'injection signs in the HTTP request URI',
  http_host_ip: 'HTTP Host is an IP address',
  tls_sni_len: 'TLS server name (SNI) length',
  dns_qtype_unusual: 'unusual DNS query type (TXT, NULL, ANY, ...)',
  app_risks: 'application risk signs (per flow)',
};

export const APP_ATTRIBUTE_PHRASES: Record<string, (value: string) => string> = {
  auth_failures: (v) => `${v} failed logins reported by the server in this flow`,
  http_uri_injection: (v) => `HTTP request URI with ${v} kinds of injection signs (quotes, SQL comments or UNION SELECT, tags, \${, ../)`,
  http_host_ip: yesNo('HTTP request to a bare IP address (Host header)', 'HTTP request to a host name'),
  tls_sni_len: (v) => (v === '0' ? 'TLS ClientHello naming no server (no SNI)' : `TLS server name (SNI) of ${v} characters`),
  dns_qtype_unusual: yesNo('DNS query for an unusual record type (TXT, NULL, ANY, ...)', 'DNS query for a usual record type'),
  app_risks: (v) =>
    `${v} application risk signs in this flow (TLS without server name or with ALPN but no server name, HTTP or TLS off its port, self-signed certificate, program over HTTP, encoded DNS TXT answer)`,
};
