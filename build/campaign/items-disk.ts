import type { Scenario } from './harness';

export const diskScenarios: Scenario[] = [];
