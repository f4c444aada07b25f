const ANOMALY_FIELDS = 'id profile time score srcIp destIp srcPort destPort protocol explanation { feature value typical message }';
const PROFILE_FIELDS = 'name site kind detectors { name params } contamination alertsPerDay storeTraffic retrainEvery';
const JOB_FIELDS = 'id state progress message error';

export const RECENT_ANOMALIES = `query($filter: AnomalyFilter) {
  anomalies(filter: $filter, first: 30) { nodes { ${ANOMALY_FIELDS} } }
}`;

export const ANOMALY_DETECTED = `subscription($profile: String, $minScore: Float) {
  anomalyDetected(profile: $profile, minScore: $minScore) { ${ANOMALY_FIELDS} }
}`;

export const ANOMALY_STATS = `query($profile: String, $since: DateTimeISO!, $buckets: Int) {
  anomalyStats(profile: $profile, since: $since, buckets: $buckets, hosts: 8) {
    total bucketSeconds
    timeline { start count maxScore }
    topHosts { host anomalies maxScore lastSeen }
  }
}`;

export const SETUP = `{
  profiles { ${PROFILE_FIELDS} }
  detectors { name summary params { name type default description min max } }
  __schema { mutationType { fields { name } } subscriptionType { fields { name } } }
}`;

export const UPSERT_PROFILE = `mutation($input: ProfileInput!) { upsertProfile(input: $input) { ${PROFILE_FIELDS} } }`;

export const MODELS = `query($profile: String!) { models(profile: $profile) { id detector version threshold trainedAt active metrics } }`;

export const ACTIVATE_MODEL = 'mutation($id: ID!) { activateModel(id: $id) { id detector version active } }';

export const MODEL_ACTIVATED = 'subscription($profile: String) { modelActivated(profile: $profile) { id detector version } }';

export const TRAIN_MODEL = `mutation($profile: String!) { trainModel(input: { profile: $profile }) { ${JOB_FIELDS} } }`;

export const TRAINING_PROGRESS = `subscription($jobId: ID!) { trainingProgress(jobId: $jobId) { ${JOB_FIELDS} } }`;

export const VIEWER = '{ viewer { site scopes keyId root } }';
