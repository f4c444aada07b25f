import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './playground.css';

const origin = `${location.protocol}//${location.host}`;
const fetcher = createGraphiQLFetcher({
  url: `${origin}/graphql`,
  subscriptionUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
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
