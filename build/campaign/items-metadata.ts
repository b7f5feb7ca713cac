import type { Scenario } from './harness';

export const metadataScenarios: Scenario[] = [];
