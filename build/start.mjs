// `npm start`: the desktop app when the Electron runtime is there (or can be fetched); otherwise browser mode, said in one line.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function electronBinary() {
  // require('electron') returns the binary's path, downloading it first if it is missing; that download fails offline.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  return probe.status === 0 && probe.stdout ? probe.stdout : null;
}

const binary = process.env.DHIS2_IE_BROWSER_MODE === '1' ? null : electronBinary();
if (binary) {
  const child = spawn(binary, [join(root, 'dist', 'main', 'electron.cjs')], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('The Electron runtime could not be downloaded here, so the app opens in browser mode instead: open the address below.');
  const child = spawn(process.execPath, [join(root, 'bin', 'dhis2-ie.cjs'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
