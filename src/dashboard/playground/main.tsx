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

const EXAMPLE = `# Live anomalies: run this, then send an anomalous record from another tab
# (e.g. the predict mutation below) and watch results arrive.
subscription Live {
  anomalyDetected(profile: "default") {
    id time score srcIp destIp destPort protocol
    explanation { message }
  }
}

mutation Predict {
  predict(profile: "default", records: [
    { srcIp: "203.0.113.66", destIp: "192.168.0.2", srcPort: 31337, destPort: 4444, protocol: "TCP", packetSize: 65000 }
  ]) { score isAnomaly anomalyId }
}

query Profiles {
  profiles { name kind contamination detectors { name params } }
}
`;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={EXAMPLE} defaultEditorToolsVisibility={false} />
  </StrictMode>,
);
