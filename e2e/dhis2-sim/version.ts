/** Behaviour that changes between DHIS2 releases, in one place, with the source that shows it. */
export interface VersionProfile {
  /** As reported by /api/system/info, e.g. "2.41.3" or "2.44-SNAPSHOT". */
  version: string;
  /** 41 for 2.41.x. */
  minor: number;
  /** Highest /api/NN/ prefix accepted (DhisApiVersion V28..V42 up to 2.42; ApiVersionFilter 28-43 in 2.43). */
  maxApiVersion: number;
  /** Where the API's entry point redirects browsers: "/dhis-web-login" up to 2.42, "/login/" from 2.43. */
  loginPath: string;
  /** /api/system/ping needs no login only from 2.44 (dhis2-core commit 891092d3, PR #23271). */
  systemPingPublic: boolean;
}

export const DEFAULT_VERSION = '2.41.3';
export const MIN_API_VERSION = 28;

const VERSION_REGEX = /^2\.(\d{2})(?:\.\d+){0,2}(?:-[A-Za-z0-9.]+)?$/;

export function versionProfile(version: string): VersionProfile {
  const match = VERSION_REGEX.exec(version);
  const minor = match?.[1] === undefined ? NaN : Number(match[1]);
  if (!match || minor < 28) {
    throw new Error(`Unsupported DHIS2 version "${version}": expected 2.NN, 2.NN.P or 2.NN-SNAPSHOT with NN >= 28, e.g. ${DEFAULT_VERSION}`);
  }
  return {
    version,
    minor,
    maxApiVersion: Math.max(42, minor),
    loginPath: minor >= 43 ? '/login/' : '/dhis-web-login',
    systemPingPublic: minor >= 44,
  };
}
