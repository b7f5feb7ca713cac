import { readFileSync } from 'node:fs';
import { ServerInput, ServerUpdate, type ServerAuthInput } from '../../../shared/servers';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import { localTime, printJson, table, type Output } from '../output';
import type { z } from 'zod';

export const SERVER_HELP = `dhis2-ie server add --name NAME --url URL (--token T | --username U --password P) [--default]
    Secrets may also come from --token-stdin / --password-stdin or DHIS2_IE_TOKEN / DHIS2_IE_PASSWORD,
    which keeps them out of the shell history and the process list.
dhis2-ie server list [--json]
dhis2-ie server edit NAME|ID [--name N] [--url U] [--token T | --username U --password P]
dhis2-ie server default NAME|ID
dhis2-ie server remove NAME|ID
dhis2-ie server test [NAME|ID] [--json]     (no name: the default server)`;

const OPTIONS = {
  name: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'token-stdin': { type: 'boolean', default: false },
  'password-stdin': { type: 'boolean', default: false },
  default: { type: 'boolean', default: false },
} as const;

export async function serverCommand(argv: string[], output: Output): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  const [action, target] = positionals;
  if (values.help || !action) return (void output.out(SERVER_HELP), action ? 0 : 2);
  const core = openCore(values['data-dir'], 'cli', { readOnly: action === 'list' });
  try {
    switch (action) {
      case 'add': {
        const input = validate(ServerInput, { name: values.name, url: values.url, auth: authFrom(values, true), makeDefault: values.default });
        const profile = await core.servers.add(input);
        if (values.json) printJson(output, profile);
        else
          output.out(
            `Added server "${profile.name}" (${profile.url})${profile.isDefault ? ', the default server' : ''}. Check it with: dhis2-ie server test "${profile.name}"`,
          );
        return 0;
      }
      case 'list': {
        const servers = core.servers.list();
        if (values.json) return (printJson(output, servers), 0);
        if (servers.length === 0) return (output.out('No servers yet. Add one with: dhis2-ie server add --name NAME --url URL --token TOKEN'), 0);
        output.out(
          table([
            ['', 'NAME', 'URL', 'SIGN-IN', 'VERSION', 'LAST TESTED'],
            ...servers.map((s) => [
              s.isDefault ? '*' : '',
              s.name,
              s.url,
              s.authKind === 'token' ? 'access token' : `user ${s.username ?? ''}`,
              s.lastVersion ?? '—',
              localTime(s.lastTestedAt),
            ]),
          ]),
        );
        return 0;
      }
      case 'edit': {
        const profile = core.servers.resolve(requireTarget(target, action));
        const auth = authFrom(values, false);
        const input = validate(ServerUpdate, { id: profile.id, name: values.name, url: values.url, auth });
        const updated = await core.servers.update(input);
        if (values.json) printJson(output, updated);
        else output.out(`Updated server "${updated.name}".`);
        return 0;
      }
      case 'default': {
        const profile = core.servers.setDefault(core.servers.resolve(requireTarget(target, action)).id);
        if (values.json) printJson(output, profile);
        else output.out(`"${profile.name}" is now the default server.`);
        return 0;
      }
      case 'remove': {
        const profile = core.servers.resolve(requireTarget(target, action));
        core.servers.remove(profile.id);
        if (values.json) printJson(output, { removed: profile.id });
        else output.out(`Removed server "${profile.name}". Its queued jobs stay and will use the default server.`);
        return 0;
      }
      case 'test': {
        const profile = core.servers.resolve(target);
        const result = await core.servers.test({ id: profile.id });
        if (values.json) printJson(output, result);
        else if (result.ok)
          output.out(
            `"${profile.name}" is online: DHIS2 ${result.version}, signed in as ${result.username}${result.userDisplayName ? ` (${result.userDisplayName})` : ''}, ${result.latencyMs} ms.`,
          );
        else output.err(`"${profile.name}" could not be reached: ${result.error?.message ?? 'unknown error'}`);
        return result.ok ? 0 : 1;
      }
      default:
        throw new UsageError(`Unknown server action "${action}". Use add, list, edit, default, remove or test.`);
    }
  } finally {
    await core.close();
  }
}

type AuthValues = { token?: string; username?: string; password?: string; 'token-stdin'?: boolean; 'password-stdin'?: boolean };

function authFrom(values: AuthValues, required: boolean): ServerAuthInput | undefined {
  const token = values['token-stdin'] ? readStdin() : (values.token ?? (values.username ? undefined : process.env.DHIS2_IE_TOKEN));
  const password = values['password-stdin'] ? readStdin() : (values.password ?? process.env.DHIS2_IE_PASSWORD);
  if (token && values.username) throw new UsageError('Give either --token or --username/--password, not both.');
  if (token) return { kind: 'token', token };
  if (values.username) {
    if (!password) throw new UsageError('--username needs a password: --password, --password-stdin or DHIS2_IE_PASSWORD.');
    return { kind: 'basic', username: values.username, password };
  }
  if (required) throw new UsageError('Say how to sign in: --token TOKEN (a personal access token, preferred) or --username U --password P.');
  return undefined;
}

function readStdin(): string {
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

function requireTarget(target: string | undefined, action: string): string {
  if (!target) throw new UsageError(`server ${action} needs the name or id of a server (see: dhis2-ie server list).`);
  return target;
}

function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((issue) => `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`).join('; '));
  }
  return parsed.data;
}
