import { datasetDir, kddRows } from '../helpers/dataset-files';
import { netsentinel } from '../helpers/cli-runner';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

describe('netsentinel import, train and models', () => {
  let db: TestDatabase;
  let files: Awaited<ReturnType<typeof datasetDir>>;
  beforeAll(async () => {
    db = await createTestDatabase('cli');
    files = await datasetDir();
  });
  afterAll(async () => {
    await files?.remove();
    await db?.drop();
  });

  it('imports a dataset with a progress report and a summary', async () => {
    const file = await files.file('kdd.gz', [...kddRows(2000, 100), 'not,a,row'].join('\n'), true);
    const r = await netsentinel(['import', '--profile', 'lab', '--format', 'kdd', file], db.url);
    expect(r.stderr).toMatch(/import 100% 2000 stored, 1 rejected/);
    expect(r.stdout).toMatch(/rows read\s+2001\n\s+stored\s+2000\n\s+rejected\s+1\n\s+1 × wrong number of fields .*line 2001/);
    expect(r.code).toBe(0);
  }, 60_000);

  it('trains with --wait, shows progress, prints the new active version, and lists it in models', async () => {
    const r = await netsentinel(['train', '--profile', 'lab', '--detector', 'isolation-forest', '--seed', '7', '--wait'], db.url);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/train\s+\d+% active: /);
    expect(r.stdout).toMatch(/COMPLETED\n\s+isolation-forest v1 active .*2000 rows.*ROC-AUC/);
    const models = await netsentinel(['models', '--profile', 'lab'], db.url);
    expect(models.code).toBe(0);
    expect(models.stdout).toMatch(/^\*\s+isolation-forest\s+v1\s/m);
  }, 60_000);

  it('exits non-zero when the job fails, and refuses bad arguments', async () => {
    const failed = await netsentinel(['train', '--profile', 'lab', '--since', '2100-01-01T00:00:00Z', '--wait'], db.url);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/FAILED: INVALID_TRAINING_DATA/);
    const bad = await netsentinel(['import', '--profile', 'lab', '--format', 'xml', 'f'], db.url);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/BAD_USER_INPUT: --format must be one of csv, kdd/);
  }, 60_000);
});
