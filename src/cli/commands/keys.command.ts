import { SCOPES, type AuthContext, type Scope } from '../../auth/auth-context';
import type { ApiKeyRow } from '../../auth/auth.service';
import { AppError } from '../../errors/app-error';
import { ErrorCode } from '../../errors/error-codes';
import { DEFAULT_SITE } from '../../profiles/profile.service';
import { parseCommandArgs, required } from './args';
import { withServices } from './cli-services';

export const KEYS_USAGE = `Usage: netsentinel keys create --site S --scopes read,write,admin [--name N]
       netsentinel keys list [--site S]
       netsentinel keys revoke ID

Manages API keys straight in the database, as the server's operator (the root key is not needed:
this is the way back in when every admin key is lost). A new key is printed once.`;

const OPTIONS = { site: { type: 'string' }, scopes: { type: 'string' }, name: { type: 'string' } } as const;

/** Whoever can reach the database already holds every site's data: the CLI acts as root. */
const OPERATOR: AuthContext = { siteId: '', siteName: DEFAULT_SITE, keyId: null, scopes: SCOPES, root: true };

export async function keysCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, KEYS_USAGE);
  const [action, id] = positionals;
  return withServices(async ({ auth }) => {
    await auth.ensureDefaultSite();
    if (action === 'create') {
      const scopes = parseScopes(required(values.scopes, '--scopes', KEYS_USAGE));
      const { row, key } = await auth.createApiKey(OPERATOR, required(values.site, '--site', KEYS_USAGE), scopes, values.name);
      process.stdout.write(`${key}\n`);
      process.stderr.write(`key ${row.id} for site ${row.site.name} (${row.scopes.join(', ')}): shown this once\n`);
    } else if (action === 'list') {
      process.stdout.write(formatKeys(await auth.listApiKeys(OPERATOR, values.site ?? DEFAULT_SITE)));
    } else if (action === 'revoke') {
      const row = await auth.revokeApiKey(OPERATOR, required(id, 'ID', KEYS_USAGE));
      process.stdout.write(`revoked ${row.id} (${row.prefix}…) of site ${row.site.name}\n`);
    } else {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `unknown or missing action "${action ?? ''}"\n\n${KEYS_USAGE}`);
    }
    return 0;
  });
}

function parseScopes(list: string): Scope[] {
  const scopes = list.split(',').map((s) => s.trim().toLowerCase());
  const bad = scopes.find((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad !== undefined) throw new AppError(ErrorCode.BAD_USER_INPUT, `--scopes: "${bad}" is not one of ${SCOPES.join(', ')}`);
  return scopes as Scope[];
}

function formatKeys(rows: ApiKeyRow[]): string {
  const lines = rows.map((k) =>
    [k.id, `${k.prefix}…`, k.scopes.join(','), k.root ? 'root' : '', k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active', k.name ?? ''].join('  '),
  );
  return lines.length > 0 ? `${lines.join('\n')}\n` : 'no keys\n';
}
