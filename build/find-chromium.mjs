// Finds the Chromium the e2e tests drive (never a Playwright download). Installs Debian's when it can; otherwise says how in one line.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
let found = candidates.find((path) => existsSync(path));
if (!found && process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  console.log("No Chromium found: installing Debian's chromium package (apt-get install -y chromium)...");
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (install.status === 0 && existsSync('/usr/bin/chromium')) found = '/usr/bin/chromium';
}
if (!found) {
  console.error('No Chromium for the e2e tests: install it with `sudo apt-get install chromium`, or set CHROMIUM_PATH to a Chromium or Chrome binary.');
  process.exit(1);
}
console.log(`e2e tests use Chromium at ${found}`);
