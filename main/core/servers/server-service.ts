import { ServerInput, ServerUpdate, type ServerAuthInput, type ServerProfile, type TestConnectionResult } from '../../../shared/servers';
import type { TestConnectionInput } from '../../../shared/contract';
import type { ServersRepo, StoredServer } from '../db/servers-repo';
import type { SecretCipher } from '../secrets/secret-cipher';
import type { EventBus } from '../events';
import { Dhis2Client } from '../dhis2/client';
import { authFromSecret, sealableSecret } from '../dhis2/auth';
import { classifyError } from '../dhis2/errors';
import { AppError, notFound } from '../errors';

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError('INVALID_INPUT', parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}
import type { z } from 'zod';

type ParsedServerInput = z.output<typeof ServerInput>;
type ParsedServerUpdate = z.output<typeof ServerUpdate>;

/** Named DHIS2 servers and their secrets. Secrets enter here, are sealed, and leave only as request headers. */
export class ServerService {
  constructor(
    private readonly repo: ServersRepo,
    private readonly cipher: SecretCipher,
    private readonly bus: EventBus,
    private readonly appVersion: string,
  ) {}

  list(): ServerProfile[] {
    return this.repo.list().map((s) => s.profile);
  }

  get(id: string): ServerProfile {
    return this.require(id).profile;
  }

  /** By id or by name (the CLI takes either); no argument means the default server. */
  resolve(idOrName?: string | null): ServerProfile {
    if (!idOrName) {
      const chosen = this.repo.getDefault();
      if (!chosen) throw new AppError('NO_SERVER', 'No DHIS2 server is set up yet. Add one on the Servers page (or with `dhis2-ie server add`).');
      return chosen.profile;
    }
    const found = this.repo.get(idOrName) ?? this.repo.findByName(idOrName);
    if (!found) throw notFound('Server', idOrName);
    return found.profile;
  }

  /** Takes raw or parsed input: parsing is idempotent, and the CLI and tests call in directly. */
  async add(raw: ParsedServerInput | z.input<typeof ServerInput>): Promise<ServerProfile> {
    const input = parseOrThrow(ServerInput, raw);
    if (this.repo.findByName(input.name)) throw new AppError('DUPLICATE_NAME', `A server named "${input.name}" already exists. Choose another name.`);
    const sealed = await this.cipher.encrypt(sealableSecret(input.auth));
    const stored = this.repo.insert({
      name: input.name,
      url: input.url,
      authKind: input.auth.kind,
      username: input.auth.kind === 'basic' ? input.auth.username : null,
      secret: sealed,
      makeDefault: input.makeDefault ?? false,
    });
    this.bus.emit('servers.changed', {});
    return stored.profile;
  }

  async update(raw: ParsedServerUpdate | z.input<typeof ServerUpdate>): Promise<ServerProfile> {
    const input = parseOrThrow(ServerUpdate, raw);
    const current = this.require(input.id);
    if (input.name) {
      const clash = this.repo.findByName(input.name);
      if (clash && clash.profile.id !== input.id) throw new AppError('DUPLICATE_NAME', `A server named "${input.name}" already exists. Choose another name.`);
    }
    const patch: Parameters<ServersRepo['update']>[1] = { name: input.name, url: input.url };
    if (input.auth) {
      patch.authKind = input.auth.kind;
      patch.username = input.auth.kind === 'basic' ? input.auth.username : null;
      patch.secret = await this.cipher.encrypt(sealableSecret(input.auth));
    }
    const updated = this.repo.update(current.profile.id, patch);
    this.bus.emit('servers.changed', {});
    return updated!.profile;
  }

  remove(id: string): void {
    this.require(id);
    this.repo.remove(id);
    this.bus.emit('servers.changed', {});
  }

  setDefault(id: string): ServerProfile {
    this.require(id);
    this.repo.setDefault(id);
    this.bus.emit('servers.changed', {});
    return this.get(id);
  }

  async clientFor(id: string, timeoutMs?: number): Promise<Dhis2Client> {
    const stored = this.require(id);
    return new Dhis2Client({ baseUrl: stored.profile.url, auth: await this.authOf(stored), timeoutMs, appVersion: this.appVersion });
  }

  /** Checks address, credentials and version the way the import will use them. */
  async test(input: TestConnectionInput | { url: string; auth: ServerAuthInput }, timeoutMs = 20_000): Promise<TestConnectionResult> {
    let client: Dhis2Client;
    let serverId: string | null = null;
    if ('id' in input) {
      serverId = input.id;
      client = await this.clientFor(input.id, timeoutMs);
    } else {
      client = new Dhis2Client({ baseUrl: input.url, auth: input.auth, timeoutMs, appVersion: this.appVersion });
    }
    const url = client.options.baseUrl;
    const started = Date.now();
    try {
      await client.ping();
      const latencyMs = Date.now() - started;
      const [info, me] = await Promise.all([client.systemInfo(), client.me()]);
      if (serverId) {
        this.repo.recordTest(serverId, info.version, me.username);
        this.bus.emit('servers.changed', {});
      }
      return {
        ok: true,
        url,
        latencyMs,
        version: info.version,
        revision: info.revision ?? null,
        systemName: info.systemName ?? null,
        username: me.username,
        userDisplayName: me.displayName ?? me.name ?? null,
        error: null,
      };
    } catch (error) {
      const failure = classifyError(error, url);
      return {
        ok: false,
        url,
        latencyMs: null,
        version: null,
        revision: null,
        systemName: null,
        username: null,
        userDisplayName: null,
        error: { code: failure.code, message: failure.message },
      };
    }
  }

  private async authOf(stored: StoredServer): Promise<ServerAuthInput | null> {
    if (!stored.secret) return null;
    return authFromSecret(stored.profile.authKind, stored.profile.username, await this.cipher.decrypt(stored.secret));
  }

  private require(id: string): StoredServer {
    const stored = this.repo.get(id);
    if (!stored) throw notFound('Server', id);
    return stored;
  }
}
