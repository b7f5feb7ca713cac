/** Replaced at build time by build/build-main.mjs from package.json; tests see the fallback. */
export const APP_VERSION: string = process.env.DHIS2_IE_VERSION ?? '0.0.0-dev';
