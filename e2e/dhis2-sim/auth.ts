import { hashPat, isValidPatChecksum } from './pat';
import { header, type SimRequest } from './request';
import { empty, type SimResponse } from './respond';
import type { SimState } from './state';
import type { SimUser } from './users';
import { webMessage, webMessageResponse } from './webmessage';

/**
 * The /api security chain of DHIS2 2.41 (DhisWebApiWebSecurityConfig): Dhis2ApiTokenFilter first, then
 * Spring's BasicAuthenticationFilter, and FormLoginBasicAuthenticationEntryPoint for everything refused.
 */
export type AuthOutcome = { kind: 'user'; user: SimUser; via: 'basic' | 'token' } | { kind: 'anonymous' } | { kind: 'rejected'; response: SimResponse };

type BasicFailure = 'Unauthorized' | 'Account locked' | 'Account disabled';

/** FormLoginBasicAuthenticationEntryPoint.commence: JSON 401 for XHR or Basic requests, otherwise a redirect to the login page. */
export function entryPoint(req: SimRequest, state: SimState, message: BasicFailure = 'Unauthorized'): SimResponse {
  const requestedWith = header(req, 'x-requested-with') ?? '';
  const authorization = header(req, 'authorization') ?? '';
  if (requestedWith === 'XMLHttpRequest' || authorization.includes('Basic')) {
    return webMessageResponse(webMessage(401, message), { accept: header(req, 'accept'), contentType: 'application/json' });
  }
  // LoginUrlAuthenticationEntryPoint builds an absolute URL from the request's own scheme, host and port.
  return empty(302, { Location: `${req.baseUrl}${state.profile.loginPath}` });
}

/** Dhis2ApiTokenFilter failures: DhisApiTokenAuthenticationEntryPoint adds the challenge, CrudControllerAdvice writes the message. */
function tokenRejected(req: SimRequest, status: 400 | 401, message: string): AuthOutcome {
  return {
    kind: 'rejected',
    response: webMessageResponse(webMessage(status, message), {
      accept: header(req, 'accept'),
      headers: { 'WWW-Authenticate': 'ApiToken' },
    }),
  };
}

// ApiTokenResolver.AUTHORIZATION_PATTERN
const API_TOKEN_HEADER = /^ApiToken (?<token>[a-z0-9\-._~+/]+=*)$/i;

function authenticateToken(req: SimRequest, state: SimState, authorization: string): AuthOutcome {
  const token = API_TOKEN_HEADER.exec(authorization)?.groups?.['token'];
  if (token === undefined) return tokenRejected(req, 400, 'Api token is malformed');
  if (!isValidPatChecksum(token)) return tokenRejected(req, 400, 'Checksum validation failed');
  const record = state.tokens.get(hashPat(token));
  if (!record) return tokenRejected(req, 401, 'The API token does not exists');
  if (record.expire <= Date.now()) return tokenRejected(req, 401, 'Failed to authenticate API token, token has expired.');
  const user = state.users.get(record.username);
  if (!user) return tokenRejected(req, 401, 'The API token owner does not exists.');
  if (user.disabled || user.locked) return tokenRejected(req, 401, 'The API token is disabled, locked or 2FA is enabled.');
  return { kind: 'user', user, via: 'token' };
}

/** java.util.Base64 basic decoder: standard alphabet only, padding optional, no stray characters. */
function decodeStrictBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const unpadded = text.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return null;
  if (text.includes('=') && text.length % 4 !== 0) return null;
  return Buffer.from(unpadded, 'base64');
}

function authenticateBasic(req: SimRequest, state: SimState, authorization: string): AuthOutcome {
  const fail = (message: BasicFailure): AuthOutcome => ({ kind: 'rejected', response: entryPoint(req, state, message) });
  // BasicAuthenticationConverter: "Basic" alone, bad base64, or no colon are all bad credentials.
  if (authorization.toLowerCase() === 'basic') return fail('Unauthorized');
  const decoded = decodeStrictBase64(authorization.slice(6));
  if (!decoded) return fail('Unauthorized');
  const credentials = decoded.toString('utf8');
  const colon = credentials.indexOf(':');
  if (colon < 0) return fail('Unauthorized');
  const username = credentials.slice(0, colon);
  const password = credentials.slice(colon + 1);
  const user = state.users.get(username);
  // TwoFactorAuthenticationProvider checks the lockout first, then Spring's pre-checks run before the
  // password is compared, so locked and disabled accounts say so whatever the password.
  if (user?.locked) return fail('Account locked');
  if (!user) return fail('Unauthorized');
  if (user.disabled) return fail('Account disabled');
  if (user.password !== password) return fail('Unauthorized');
  return { kind: 'user', user, via: 'basic' };
}

export function authenticate(req: SimRequest, state: SimState): AuthOutcome {
  const raw = header(req, 'authorization');
  if (raw === undefined) return { kind: 'anonymous' };
  // The token filter looks at the raw header; the Basic converter trims it first.
  if (raw.toLowerCase().startsWith('apitoken')) return authenticateToken(req, state, raw);
  const trimmed = raw.trim();
  if (trimmed.toLowerCase().startsWith('basic')) return authenticateBasic(req, state, trimmed);
  return { kind: 'anonymous' };
}
