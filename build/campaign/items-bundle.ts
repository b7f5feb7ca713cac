import type { Scenario } from './harness';

export const bundleScenarios: Scenario[] = [];
