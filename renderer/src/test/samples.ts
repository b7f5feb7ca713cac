import type { FileRef, Job } from '@shared/jobs';
import type { ServerProfile } from '@shared/servers';

/** A job as main returns it; tests name only what they are about. */
export function sampleJob(fields: Partial<Job> & Pick<Job, 'id' | 'type'>): Job {
  return {
    title: `Job ${fields.id}`,
    state: 'done',
    params: {},
    files: [],
    serverId: null,
    attempts: 1,
    maxAttempts: 5,
    nextAttemptAt: null,
    progress: null,
    result: null,
    error: null,
    recreatedFrom: null,
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    ...fields,
  };
}

export function sampleFile(name: string): FileRef {
  return {
    sha256: name
      .padEnd(64, '0')
      .replace(/[^0-9a-f]/g, 'a')
      .slice(0, 64),
    name,
    size: 1234,
  };
}

export function sampleServer(fields: Partial<ServerProfile> & Pick<ServerProfile, 'id' | 'name'>): ServerProfile {
  return {
    url: `https://${fields.id}.example.org`,
    authKind: 'token',
    username: null,
    hasSecret: true,
    isDefault: false,
    lastVersion: null,
    lastUser: null,
    lastTestedAt: null,
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
    ...fields,
  };
}
