import type { ServerAuthInput } from '../../../shared/servers';

/** The Authorization header DHIS2 expects: `ApiToken <pat>` for personal access tokens, Basic otherwise. */
export function authorizationHeader(auth: ServerAuthInput): string {
  if (auth.kind === 'token') return `ApiToken ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

/** Secrets are stored as one string per server; this is its shape. */
export function sealableSecret(auth: ServerAuthInput): string {
  return auth.kind === 'token' ? auth.token : auth.password;
}

export function authFromSecret(kind: 'token' | 'basic', username: string | null, secret: string): ServerAuthInput {
  return kind === 'token' ? { kind, token: secret } : { kind, username: username ?? '', password: secret };
}
