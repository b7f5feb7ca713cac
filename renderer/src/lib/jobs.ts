import { ACTIVE_STATES, JOB_STATE_LABELS, TERMINAL_STATES, WAITING_STATES, type Job, type JobState } from '@shared/jobs';

export function isActive(state: JobState): boolean {
  return ACTIVE_STATES.includes(state);
}

export function isWaiting(state: JobState): boolean {
  return WAITING_STATES.includes(state);
}

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

export function canCancel(state: JobState): boolean {
  // A delete held for confirmation can be turned down here as well as confirmed.
  return isActive(state) || isWaiting(state) || state === 'held';
}

export function canRetry(state: JobState): boolean {
  return state === 'failed' || state === 'needs-attention' || state === 'cancelled';
}

/** Vuetify theme colours; warning tones for what a person has to look at, grey for what is parked. */
const STATE_COLOURS: Record<JobState, string> = {
  queued: 'grey-darken-1',
  'waiting-for-connection': 'warning',
  validating: 'info',
  uploading: 'info',
  'server-processing': 'info',
  running: 'info',
  done: 'success',
  failed: 'error',
  'needs-attention': 'deep-orange-darken-2',
  cancelled: 'grey',
  carried: 'blue-grey',
  delivered: 'teal',
  held: 'deep-orange-darken-2',
};

export function stateColour(state: JobState): string {
  return STATE_COLOURS[state];
}

export function stateLabel(state: JobState): string {
  return JOB_STATE_LABELS[state];
}

/** Percentage for a progress bar, or null when the total is unknown (indeterminate bar). */
export function progressPercent(job: Pick<Job, 'progress'>): number | null {
  const progress = job.progress;
  if (!progress || progress.total === null || progress.total <= 0) return null;
  return Math.min(100, Math.max(0, (progress.done / progress.total) * 100));
}

/** Newest first; ids break ties so the order never flickers between two refreshes. */
export function compareNewestFirst(a: Job, b: Job): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
