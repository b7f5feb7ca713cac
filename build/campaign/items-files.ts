import type { Scenario } from './harness';

export const fileScenarios: Scenario[] = [];
