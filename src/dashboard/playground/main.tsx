import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { bearer, getApiKey } from '../api/api-key';
import './playground.css';

/**
 * Every request carries the key the dashboard stored (read per request, so signing
 * in there needs no reload here), unless the headers editor sets its own Authorization.
 */
const withStoredKey: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  const authorization = bearer();
  if (authorization && !headers.has('authorization')) headers.set('authorization', authorization);
  return fetch(input, { ...init, headers });
};

/**
 * The toolkit spreads this object, then the headers editor's headers, into each new
 * subscription socket's connectionParams: the getter yields the key stored at that
 * moment, and an `Authorization` typed in the editor takes precedence over `apiKey`
 * on the server.
 */
const wsConnectionParams = {
  get apiKey(): string | undefined {
    return getApiKey() ?? undefined;
  },
};

const origin = `${location.protocol}//${location.host}`;
const fetcher = createGraphiQLFetcher({
  url: `${origin}/graphql`,
  subscriptionUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
  fetch: withStoredKey,
  wsConnectionParams,
});

/** One operation per tab, so each runs with the play button alone. */
const EXAMPLES = [
  `# Live anomalies: run this, then run Predict in the next tab and watch them arrive.
subscription Live {
  anomalyDetected(profile: "default") {
    id time score srcIp destIp destPort protocol
    explanation { message }
  }
}
`,
  `mutation Predict {
  predict(profile: "default", records: [
    { srcIp: "203.0.113.66", destIp: "192.168.0.2", srcPort: 31337, destPort: 4444, protocol: "TCP", packetSize: 65000 }
  ]) { score isAnomaly anomalyId }
}
`,
  `query Profiles {
  profiles { name kind contamination alertsPerDay detectors { name params } }
}
`,
];

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultTabs={EXAMPLES.map((query) => ({ query }))} defaultEditorToolsVisibility={false} />
  </StrictMode>,
);
