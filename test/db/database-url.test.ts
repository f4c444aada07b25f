import { parseDatabaseUrl } from '../../src/db/database';

describe('parseDatabaseUrl', () => {
  it('takes Prisma\'s schema and connection_limit parameters off the URL pg sees', () => {
    const parsed = parseDatabaseUrl('postgresql://u@h:5432/db?schema=site_a&connection_limit=1&sslmode=disable');
    expect(parsed).toEqual({ connectionString: 'postgresql://u@h:5432/db?sslmode=disable', schema: 'site_a', connectionLimit: 1 });
  });

  it('defaults to the public schema and no limit', () => {
    expect(parseDatabaseUrl('postgresql://u@h/db')).toEqual({ connectionString: 'postgresql://u@h/db', schema: 'public', connectionLimit: undefined });
  });

  it.each(['schema=a;drop', 'schema=1abc', 'connection_limit=0', 'connection_limit=many'])('refuses %s', (param) => {
    expect(() => parseDatabaseUrl(`postgresql://u@h/db?${param}`)).toThrow(/Invalid/);
  });
});
