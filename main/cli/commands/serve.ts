import { join } from 'node:path';
import { startHttpHost } from '../../host/http-host';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import type { Output } from '../output';

export const SERVE_HELP = `dhis2-ie serve [--port P] [--data-dir DIR]
  Runs the app in browser mode on 127.0.0.1. The first line printed is the address to open (it signs the browser in).`;

/** Browser mode. Resolves when the process is told to stop. */
export async function serveCommand(argv: string[], output: Output, rendererDir: string): Promise<number> {
  const { values } = parse(argv, { port: { type: 'string' } });
  if (values.help) return (void output.out(SERVE_HELP), 0);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}"`);

  const core = openCore(values['data-dir'], 'browser', { echoLog: false });
  let host;
  try {
    host = await startHttpHost({ core, port, rendererDir: rendererDir || join(__dirname, '..', 'renderer'), token: process.env.DHIS2_IE_TOKEN || undefined });
  } catch (error) {
    await core.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new UsageError(`Port ${port} is already in use; choose another with --port, or 0 for any free port.`);
    throw error;
  }
  core.startBackground();
  output.out(host.openUrl);
  output.out(`Browser mode: open the address above. Data folder: ${core.dataDir}. Press Ctrl+C to stop.`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
  await core.close();
  return 0;
}
