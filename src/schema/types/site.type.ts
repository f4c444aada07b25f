import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { ApiKeyRow } from '../../auth/auth.service';
import type { AuthContext, Scope } from '../../auth/auth-context';

export enum ScopeEnum {
  READ = 'read',
  WRITE = 'write',
  ADMIN = 'admin',
}
registerEnumType(ScopeEnum, {
  name: 'Scope',
  description: 'READ: queries and subscriptions. WRITE: predict, profiles, training, activation. ADMIN: API keys, captures, deleting profiles.',
});

@ObjectType('Site', { description: 'A network under watch (a home, an office, a customer): its profiles, anomalies and keys are its own.' })
export class SiteType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  createdAt!: Date;
}

@ObjectType('ApiKey', { description: 'A key of one site. Only its hash is stored: `key` is shown once, in the answer to createApiKey.' })
export class ApiKeyType {
  @Field(() => ID)
  id!: string;

  @Field()
  site!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field({ description: 'The first characters of the key, to tell keys apart.' })
  prefix!: string;

  @Field(() => [ScopeEnum])
  scopes!: ScopeEnum[];

  @Field({ description: 'The bootstrap key: creates sites and keys for every site.' })
  root!: boolean;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  revokedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'The key itself: only in the answer to createApiKey, never again.' })
  key?: string | null;
}

@ObjectType('Viewer', { description: 'Who the API key in use belongs to and what it may do.' })
export class ViewerType {
  @Field()
  site!: string;

  @Field(() => [ScopeEnum])
  scopes!: ScopeEnum[];

  @Field(() => ID, { nullable: true, description: 'Null when the server runs with AUTH=off.' })
  keyId?: string | null;

  @Field()
  root!: boolean;
}

export function toApiKeyType(row: ApiKeyRow, key?: string): ApiKeyType {
  return {
    id: row.id,
    site: row.site.name,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as ScopeEnum[],
    root: row.root,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
    key: key ?? null,
  };
}

export function toViewerType(auth: AuthContext): ViewerType {
  return { site: auth.siteName, scopes: auth.scopes.map((s: Scope) => s as ScopeEnum), keyId: auth.keyId, root: auth.root };
}
