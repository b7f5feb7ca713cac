import { domainToASCII } from 'node:url';
import { javaSplit } from './java-text';
import { TOP_LEVEL_DOMAINS } from './top-level-domains';

/*
 * E-mail addresses and URLs as DHIS2 2.41 accepts them for EMAIL and URL values: Apache commons-validator's
 * EmailValidator.getInstance() and new UrlValidator() (http, https and ftp; no local names; the TLD must be
 * one of IANA's). Java regex classes are spelled out: Java's \s, \w, \p{Alnum} and `.` are ASCII-only or
 * narrower than JavaScript's.
 */

const JAVA_SPACE = ' \\t\\n\\v\\f\\r';
const NOT_LINE_END = '[^\\n\\r\\u0085\\u2028\\u2029]';

const EMAIL = new RegExp(`^(${NOT_LINE_END}+)@([^${JAVA_SPACE}]+)$`);
const USER_CHAR = `(?:\\\\${NOT_LINE_END}|[^${JAVA_SPACE}\\x00-\\x1F\\x7F()<>@,;:'\\\\".\\[\\]])`;
const USER_WORD = `(?:(?:${USER_CHAR}|')+|"(?:\\\\"|[^"])*")`;
const USER = new RegExp(`^${USER_WORD}(?:\\.${USER_WORD})*$`);
const IP_DOMAIN = /^\[(.*)\]$/s;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DOMAIN_NAME = new RegExp(`^(?:${LABEL}\\.)+([A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)\\.?$`);

export function isEmail(value: string): boolean {
  if (value.endsWith('.')) return false;
  const match = EMAIL.exec(value);
  if (!match) return false;
  const [, user = '', domain = ''] = match;
  if (user.length > 64 || !USER.test(user)) return false;
  const ip = IP_DOMAIN.exec(domain);
  if (ip) return isInet4Address(ip[1] ?? '') || isInet6Address(ip[1] ?? '');
  return isDomain(domain);
}

/** IDN.toASCII keeps what it cannot convert; node's domainToASCII returns '' then. */
function toAscii(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7F]*$/.test(value)) return value;
  const ascii = domainToASCII(value);
  return ascii === '' ? value : ascii;
}

function isDomain(domain: string): boolean {
  const ascii = toAscii(domain);
  if (ascii.length > 253) return false;
  const match = DOMAIN_NAME.exec(ascii);
  if (!match) return false;
  return TOP_LEVEL_DOMAINS.has((match[1] ?? '').toLowerCase());
}

export function isInet4Address(value: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (!match) return false;
  return match.slice(1).every((segment) => Number(segment) <= 255 && !(segment.length > 1 && segment.startsWith('0')));
}

export function isInet6Address(input: string): boolean {
  let parts = input.split('/');
  if (parts.length > 2) return false;
  if (parts.length === 2) {
    if (!/^\d{1,3}$/.test(parts[1]!) || Number(parts[1]) > 128) return false;
  }
  parts = parts[0]!.split('%');
  if (parts.length > 2 || (parts.length === 2 && !/^[^\s/%]+$/.test(parts[1]!))) return false;
  const address = parts[0]!;
  const compressed = address.includes('::');
  if (compressed && address.indexOf('::') !== address.lastIndexOf('::')) return false;
  const startsCompressed = address.startsWith('::');
  const endsCompressed = address.endsWith('::');
  if ((address.startsWith(':') && !startsCompressed) || (address.endsWith(':') && !endsCompressed)) return false;
  let octets = javaSplit(address, ':');
  if (compressed) {
    if (endsCompressed) octets.push('');
    else if (startsCompressed && octets.length > 0) octets = octets.slice(1);
  }
  if (octets.length > 8) return false;
  let valid = 0;
  let empty = 0;
  for (let i = 0; i < octets.length; i++) {
    const octet = octets[i]!;
    if (octet.trim() === '') {
      if (++empty > 1) return false;
    } else {
      empty = 0;
      if (i === octets.length - 1 && octet.includes('.')) {
        if (!isInet4Address(octet)) return false;
        valid += 2;
        continue;
      }
      if (octet.length > 4 || !/^[+-]?[0-9a-fA-F]+$/.test(octet) || parseInt(octet, 16) < 0) return false;
    }
    valid++;
  }
  return !(valid > 8 || (valid < 8 && !compressed));
}

// ------------------------------------------------------------------------------------------ URL

interface UriParts {
  scheme: string;
  authority: string | null;
  path: string;
  query: string | null;
}

const URI_CHARS = /^[A-Za-z0-9\-_.!~*'();/?:@&=+$,%[\]#]$/;

/** java.net.URI's split of an absolute URI, or null where its parser throws (or the URI is relative). */
function parseUri(value: string): UriParts | null {
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    const code = char.charCodeAt(0);
    if (code < 0x80 ? !URI_CHARS.test(char) : code <= 0x9f || /\s/.test(char)) return null;
    if (char === '%' && !/^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) return null;
  }
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(value);
  if (!match) return null;
  const scheme = match[1]!;
  let rest = match[2]!;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    if (rest.includes('#', hash + 1)) return null;
    rest = rest.slice(0, hash);
  }
  if (rest === '' && hash < 0) return null;
  if (!rest.startsWith('/')) return { scheme, authority: null, path: '', query: null }; // opaque
  let authority: string | null = null;
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?]/);
    authority = end < 0 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end < 0 ? '' : rest.slice(end + 2);
    if (authority === '') authority = null;
  }
  if (/[[\]]/.test(rest) || (authority !== null && /[[\]]/.test(authority) && !/^(?:[^@]*@)?\[[^\]]*\](?::\d*)?$/.test(authority))) return null;
  const question = rest.indexOf('?');
  return { scheme, authority, path: question < 0 ? rest : rest.slice(0, question), query: question < 0 ? null : rest.slice(question + 1) };
}

const USERINFO = "[a-zA-Z0-9%-._~!$&'()*+,;=]";
const AUTHORITY = new RegExp(
  `^(?:\\[(::FFFF:(?:\\d{1,3}\\.){3}\\d{1,3}|[0-9a-fA-F:]+)\\]|(?:(?:${USERINFO}+(?::${USERINFO}*)?@)?([A-Za-z0-9\\-.]*)))(?::(\\d*))?(${NOT_LINE_END}*)?$`,
);
const PATH = /^(\/[-A-Za-z0-9_:@&?=+,.!/~*'%$;()]*)?$/;

function isAuthority(authority: string | null): boolean {
  if (authority === null) return false;
  const match = AUTHORITY.exec(toAscii(authority));
  if (!match) return false;
  const [, ipv6, host, port, extra] = match;
  if (ipv6 !== undefined) {
    if (!isInet6Address(ipv6)) return false;
  } else {
    if (!isDomain(host ?? '') && !isInet4Address(host ?? '')) return false;
    if (port !== undefined && port.trim() !== '' && (port.length > 10 || Number(port) > 0xffff)) return false;
  }
  return extra === undefined || extra.trim() === '';
}

function isPath(path: string): boolean {
  if (!PATH.test(path)) return false;
  // URI.normalize: a path that climbs above the root keeps its leading "..".
  const out: string[] = [];
  for (const segment of path.split('/').slice(1)) {
    if (segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(segment);
  }
  if (out[0] === '..') return false;
  return !path.includes('//');
}

export function isUrl(value: string): boolean {
  const uri = parseUri(value);
  if (!uri) return false;
  if (!['http', 'https', 'ftp'].includes(uri.scheme.toLowerCase())) return false;
  if (!isAuthority(uri.authority)) return false;
  return isPath(uri.path) && (uri.query === null || /^[^ \t\n\v\f\r]*$/.test(uri.query));
}
