import { VERIFY_ALGORITHMS } from '@atrium/auth';
import { ConfigError, EnvReader } from '@atrium/server';

/** One organization OIDC provider people sign in through ("Continue with <name>"). */
export interface OidcProviderConfig {
  /** Short and stable: it is in the callback URI and in namespaced usernames (`ann@<id>`). */
  id: string;
  /** Shown on the button. */
  name: string;
  /** Exactly as the provider states it in discovery and in `iss`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The ID-token claim that lists the person's groups (a string or a list). */
  groupsClaim: string;
  /** Asked for besides `openid`. */
  scopes: string[];
  /** False: only people an admin created beforehand (`atrium users add -A oidc`) may sign in. */
  createAccounts: boolean;
  /** ID-token algorithms accepted; anything else is refused. */
  algorithms: string[];
}

const FIELDS = [
  'id',
  'name',
  'issuer',
  'clientId',
  'clientSecret',
  'groupsClaim',
  'scopes',
  'createAccounts',
  'algorithms',
];
const ID = /^[a-z][a-z0-9-]{0,23}$/;
const CLAIM = /^[A-Za-z0-9_.:/-]{1,200}$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/;
const DEFAULT_SCOPES = ['profile', 'email'];

function field(entry: Record<string, unknown>, name: string, at: string): string {
  const value = entry[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new Error(`${at}: "${name}" must be a non-empty string`);
  return value.trim();
}

function issuerUrl(value: string, at: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${at}: "issuer" is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`${at}: "issuer" must be an https URL`);
  if (url.search || url.hash) throw new Error(`${at}: "issuer" must have no query or fragment`);
  return value;
}

/** Validates one provider entry of OIDC_PROVIDERS; `at` names it in messages ("entry 0"). */
export function parseOidcProvider(value: unknown, at: string): OidcProviderConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${at} is not an object`);
  const entry = value as Record<string, unknown>;
  const unknown = Object.keys(entry).filter((key) => !FIELDS.includes(key));
  if (unknown.length)
    throw new Error(`${at}: unknown field(s) ${unknown.join(', ')}; known: ${FIELDS.join(', ')}`);
  const id = field(entry, 'id', at);
  if (!ID.test(id))
    throw new Error(`${at}: "id" is 1–24 lower-case letters, digits or "-", starting with a letter`);
  const groupsClaim = entry.groupsClaim === undefined ? 'groups' : field(entry, 'groupsClaim', at);
  if (!CLAIM.test(groupsClaim)) throw new Error(`${at}: "groupsClaim" is not a claim name`);
  const scopes = entry.scopes === undefined ? DEFAULT_SCOPES : entry.scopes;
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && SCOPE.test(s)))
    throw new Error(`${at}: "scopes" must be a list of scope names, e.g. ["profile", "email", "groups"]`);
  if (entry.createAccounts !== undefined && typeof entry.createAccounts !== 'boolean')
    throw new Error(`${at}: "createAccounts" must be true or false`);
  const algorithms = entry.algorithms === undefined ? ['RS256'] : entry.algorithms;
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    !algorithms.every((a) => typeof a === 'string' && VERIFY_ALGORITHMS.has(a))
  )
    throw new Error(`${at}: "algorithms" must list asymmetric JWS algorithms such as ["RS256", "ES256"]`);
  return {
    id,
    name: field(entry, 'name', at).slice(0, 80),
    issuer: issuerUrl(field(entry, 'issuer', at), at),
    clientId: field(entry, 'clientId', at),
    clientSecret: field(entry, 'clientSecret', at),
    groupsClaim,
    scopes: [...new Set((scopes as string[]).filter((s) => s !== 'openid'))],
    createAccounts: (entry.createAccounts as boolean | undefined) ?? true,
    algorithms: algorithms as string[],
  };
}

function parseList(value: unknown): OidcProviderConfig[] {
  if (!Array.isArray(value))
    throw new Error('must be a JSON list of providers ({ id, name, issuer, clientId, clientSecret, … })');
  const providers = value.map((entry, i) => parseOidcProvider(entry, `entry ${i}`));
  const seen = new Set<string>();
  for (const [i, provider] of providers.entries()) {
    if (seen.has(provider.id)) throw new Error(`entry ${i}: "id" ${provider.id} is used twice`);
    seen.add(provider.id);
  }
  return providers;
}

/**
 * OIDC_PROVIDERS, or the shorthand OIDC_ISSUER / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET /
 * OIDC_GROUPS_CLAIM (OIDC_NAME, OIDC_SCOPES) for one provider with the id `oidc`; not both.
 */
export function readOidcProviders(reader: EnvReader): OidcProviderConfig[] {
  const list = reader.json('OIDC_PROVIDERS', parseList, []);
  const issuer = reader.optionalString('OIDC_ISSUER');
  if (issuer === undefined) {
    for (const name of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_GROUPS_CLAIM'])
      if (reader.optionalString(name) !== undefined)
        throw new ConfigError(name, 'is set but OIDC_ISSUER is not');
    return list;
  }
  if (list.length)
    throw new ConfigError('OIDC_ISSUER', 'use either OIDC_PROVIDERS or the OIDC_ISSUER shorthand, not both');
  const shorthand = {
    id: 'oidc',
    name: reader.string('OIDC_NAME', 'your organization'),
    issuer,
    clientId: reader.string('OIDC_CLIENT_ID'),
    clientSecret: reader.string('OIDC_CLIENT_SECRET'),
    groupsClaim: reader.string('OIDC_GROUPS_CLAIM', 'groups'),
    ...(reader.optionalString('OIDC_SCOPES') === undefined ? {} : { scopes: reader.list('OIDC_SCOPES') }),
  };
  try {
    return [parseOidcProvider(shorthand, 'the shorthand')];
  } catch (error) {
    const message = (error as Error).message;
    const variable = /"issuer"/.test(message)
      ? 'OIDC_ISSUER'
      : /"groupsClaim"/.test(message)
        ? 'OIDC_GROUPS_CLAIM'
        : /"scopes"/.test(message)
          ? 'OIDC_SCOPES'
          : 'OIDC_ISSUER';
    throw new ConfigError(variable, message.replace(/^the shorthand: /, ''));
  }
}
