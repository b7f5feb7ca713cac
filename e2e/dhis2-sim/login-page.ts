import { empty, HTML_UTF8, type SimResponse } from './respond';
import type { VersionProfile } from './version';

/**
 * Outside /api the simulator only serves the login page the API redirects browsers to, so a client
 * that follows that redirect gets what it would get from DHIS2: a 200 HTML page instead of JSON.
 */
export function nonApiResponse(method: string, pathname: string, baseUrl: string, profile: VersionProfile): SimResponse {
  const pagePath = profile.loginPath.endsWith('/') ? profile.loginPath : `${profile.loginPath}/`;
  const bare = pagePath.slice(0, -1);
  if (method !== 'GET' && method !== 'HEAD') return notFound();
  if (pathname === bare || pathname === '/') return empty(302, { Location: `${baseUrl}${pagePath}` });
  if (pathname === pagePath || pathname === `${pagePath}index.html`) return loginPage(profile);
  return notFound();
}

function loginPage(profile: VersionProfile): SimResponse {
  const body = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>DHIS 2</title></head>
<body>
<div id="root"><h1>DHIS 2 login</h1><p>DHIS2 ${profile.version} simulator. Sign in through the API with Basic auth or a personal access token.</p></div>
</body>
</html>
`;
  return { status: 200, headers: { 'Content-Type': HTML_UTF8 }, body };
}

function notFound(): SimResponse {
  return {
    status: 404,
    headers: { 'Content-Type': HTML_UTF8 },
    body: '<!doctype html><html><head><title>HTTP Status 404 – Not Found</title></head><body><h1>HTTP Status 404 – Not Found</h1></body></html>',
  };
}
