require('/work/main/node_modules/reflect-metadata');
const { buildAppSchema } = require('/work/main/dist/schema/build-schema.js');
const { parse, execute } = require('/work/main/node_modules/graphql');
(async () => {
  const schema = await buildAppSchema();
  const doc = parse('subscription { anomalyDetected { id profile time score srcIp destIp srcPort destPort protocol explanation { feature value typical message } } }');
  const ev = { id: 'x', site: 'default', profile: 'default', time: new Date().toISOString(), score: 0.9, srcIp: 'a', destIp: 'b', srcPort: 1, destPort: 2, protocol: 'TCP', record: {}, detectors: [], explanation: [{feature:'f', value:'1', typical:'2', weight:1, message:'m'}], modelIds: [] };
  const r = execute({ schema, document: doc, rootValue: ev, contextValue: { services: {}, auth: { siteName: 'default', scopes: ['read'] } } });
  console.log('promise?', r instanceof Promise, JSON.stringify(await r).slice(0, 200));
  // which field resolvers are async
  const t = schema.getType('Anomaly');
  const f = schema.getSubscriptionType().getFields().anomalyDetected;
  console.log(f.resolve.toString().slice(0, 300));
  console.log(t.getFields().explanation.resolve?.toString().slice(0, 300));
})();
