import { z } from 'zod';

/** A DHIS2 base URL: http(s), no credentials in it, no query or fragment; stored without trailing slash. */
export const ServerUrl = z
  .string()
  .trim()
  .min(1, 'Enter the server address, for example https://play.dhis2.org/40')
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a web address (it should start with https://)` });
      return z.NEVER;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', message: 'The server address must start with https:// or http://' });
      return z.NEVER;
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'Put the user name and password in their own fields, not in the address' });
      return z.NEVER;
    }
    url.search = '';
    url.hash = '';
    // People paste the address of a page or of the API itself; the base URL is what comes before /api or /dhis-web-.
    const path = url.pathname.replace(/\/(api|dhis-web-[^/]*)(\/.*)?$/, '').replace(/\/+$/, '');
    return `${url.origin}${path}`;
  });

export const AUTH_KINDS = ['token', 'basic'] as const;
export const AuthKind = z.enum(AUTH_KINDS);
export type AuthKind = z.infer<typeof AuthKind>;

/** What the user types when adding or editing a server. Secrets go one way: in, never out. */
export const ServerAuthInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('token'),
    token: z.string().trim().min(1, 'Enter the personal access token'),
  }),
  z.object({
    kind: z.literal('basic'),
    username: z.string().trim().min(1, 'Enter the user name'),
    password: z.string().min(1, 'Enter the password'),
  }),
]);
export type ServerAuthInput = z.infer<typeof ServerAuthInput>;

export const ServerName = z.string().trim().min(1, 'Give the server a name').max(100);

export const ServerInput = z.object({
  name: ServerName,
  url: ServerUrl,
  auth: ServerAuthInput,
  makeDefault: z.boolean().optional(),
});
export type ServerInput = z.input<typeof ServerInput>;

export const ServerUpdate = z.object({
  id: z.string(),
  name: ServerName.optional(),
  url: ServerUrl.optional(),
  /** Absent keeps the stored secret. */
  auth: ServerAuthInput.optional(),
});
export type ServerUpdate = z.input<typeof ServerUpdate>;

/** A server profile as the renderer sees it: no secret, only whether one is stored. */
export const ServerProfile = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  authKind: AuthKind,
  username: z.string().nullable(),
  hasSecret: z.boolean(),
  isDefault: z.boolean(),
  lastVersion: z.string().nullable(),
  lastUser: z.string().nullable(),
  lastTestedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ServerProfile = z.infer<typeof ServerProfile>;

export const TestConnectionResult = z.object({
  ok: z.boolean(),
  url: z.string(),
  latencyMs: z.number().nullable(),
  version: z.string().nullable(),
  revision: z.string().nullable(),
  systemName: z.string().nullable(),
  username: z.string().nullable(),
  userDisplayName: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type TestConnectionResult = z.infer<typeof TestConnectionResult>;

export const Connectivity = z.object({
  serverId: z.string(),
  online: z.boolean(),
  checkedAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type Connectivity = z.infer<typeof Connectivity>;
