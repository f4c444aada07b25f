import { startTestServer, type TestServer } from '../helpers/test-server';

const UPSERT = `mutation($input: ProfileInput!) {
  upsertProfile(input: $input) { name site kind contamination storeTraffic alertsPerDay detectors { name params } }
}`;

describe('profiles, detectors and models', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('profiles');
  }, 120_000);
  afterAll(() => server?.close());

  it('lists the registered detectors with their params and defaults', async () => {
    const r = await server.graphql<{ detectors: { name: string; params: { name: string; default: unknown }[] }[] }>(
      '{ detectors { name summary stateVersion capabilities { online explains } params { name type default description min max } } }',
    );
    const names = r.data!.detectors.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['isolation-forest', 'knn-distance']));
    const forest = r.data!.detectors.find((d) => d.name === 'isolation-forest')!;
    expect(forest.params.find((p) => p.name === 'nEstimators')?.default).toBe(100);
  });

  it('creates a profile with validated detector params filled with defaults', async () => {
    const r = await server.graphql<{ upsertProfile: { detectors: { name: string; params: Record<string, unknown> }[] } }>(UPSERT, {
      input: { name: 'office', kind: 'FLOW', contamination: 0.02, storeTraffic: true, detectors: [{ name: 'knn-distance', params: { k: 5 } }] },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.upsertProfile).toMatchObject({ kind: 'FLOW', contamination: 0.02, storeTraffic: true, site: 'default' });
    expect(r.data!.upsertProfile.detectors[0].params.k).toBe(5);
    expect(Object.keys(r.data!.upsertProfile.detectors[0].params).length).toBeGreaterThan(1);
  });

  it('updates only the given fields', async () => {
    await server.graphql(UPSERT, { input: { name: 'office', contamination: 0.05 } });
    const r = await server.graphql<{ profile: { kind: string; contamination: number; detectors: { name: string }[] } }>(
      '{ profile(name: "office") { kind contamination detectors { name } } }',
    );
    expect(r.data!.profile).toMatchObject({ kind: 'FLOW', contamination: 0.05, detectors: [{ name: 'knn-distance' }] });
  });

  it.each([
    ['an unknown detector', { name: 'p1', detectors: [{ name: 'magic' }] }, 'UNKNOWN_DETECTOR'],
    ['bad detector params', { name: 'p1', detectors: [{ name: 'isolation-forest', params: { nEstimators: -3 } }] }, 'INVALID_DETECTOR_PARAMS'],
    ['a contamination out of range', { name: 'p1', contamination: 0.9 }, 'BAD_USER_INPUT'],
    ['a bad name', { name: 'has space' }, 'BAD_USER_INPUT'],
    ['no detectors', { name: 'p1', detectors: [] }, 'BAD_USER_INPUT'],
  ])('refuses %s with a coded error and stores nothing', async (_what, input, code) => {
    const r = await server.graphql(UPSERT, { input });
    expect(r.errors![0].extensions!.code).toBe(code);
    const list = await server.graphql<{ profiles: { name: string }[] }>('{ profiles { name } }');
    expect(list.data!.profiles.map((p) => p.name)).not.toContain('p1');
  });

  it('deletes a profile, but never the default one', async () => {
    await server.graphql(UPSERT, { input: { name: 'temp' } });
    expect((await server.graphql('mutation { deleteProfile(name: "temp") }')).data).toEqual({ deleteProfile: true });
    expect((await server.graphql<{ profile: null }>('{ profile(name: "temp") { name } }')).data!.profile).toBeNull();
    expect((await server.graphql('mutation { deleteProfile(name: "temp") }')).errors![0].extensions!.code).toBe('PROFILE_NOT_FOUND');
    expect((await server.graphql('mutation { deleteProfile(name: "default") }')).errors![0].extensions!.code).toBe('CONFLICT');
  });

  it('lists the default profile models with their threshold, metrics and features', async () => {
    const r = await server.graphql<{ models: { detector: string; version: number; active: boolean; threshold: number; features: string[]; metrics: { rows: number } }[] }>(
      '{ models(profile: "default") { id detector version active threshold features metrics trainedAt params } }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.models.map((m) => m.detector).sort()).toEqual(['isolation-forest', 'knn-distance']);
    for (const m of r.data!.models) {
      expect(m).toMatchObject({ version: 1, active: true });
      expect(m.features.length).toBeGreaterThan(3);
      expect(m.metrics.rows).toBe(20000);
    }
  });
});
