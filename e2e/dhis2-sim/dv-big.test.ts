import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC } from './test-support';
import { integrationSeed } from './test-seeds';

/**
 * A million values in one JSON body, generated while it is sent, so neither side holds the body:
 * the server spools it to disk and parses it in slices. Prints time and memory figures.
 */

const VALUES = 1_000_000;

setFlagsFromString('--expose-gc');
/** A full garbage collection, so heap figures count live objects only. */
const gc = runInNewContext('gc') as () => void;
const DAY = 86_400_000;
const START = Date.UTC(1900, 0, 1);

function* body(): Generator<string> {
  yield '{"dataValues":[';
  let chunk = '';
  for (let i = 0; i < VALUES; i++) {
    const day = new Date(START + i * DAY).toISOString().slice(0, 10).replace(/-/g, '');
    chunk += `${i === 0 ? '' : ','}{"dataElement":"f7n9E0hX8qk","period":"${day}","orgUnit":"BdfsJfj87js","categoryOptionCombo":"HllvX50cXC0","attributeOptionCombo":"HllvX50cXC0","value":"${(i % 997) + 1}","comment":"c","followup":false}`;
    if (chunk.length > 256 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]}`;
}

interface Run {
  status: number;
  text: string;
  ms: number;
  bytes: number;
  peakHeapGrowthMb: number;
  pingMs: number;
}

function post(sim: Simulator, query: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 20);
    let pingMs = -1;
    const started = Date.now();
    let bytes = 0;
    const req = request(`${sim.url}/api/dataValueSets?${query}`, {
      method: 'POST',
      headers: { Authorization: ADMIN_BASIC, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => {
        clearInterval(timer);
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(parts).toString('utf8'),
          ms: Date.now() - started,
          bytes,
          peakHeapGrowthMb: (peak - base) / 1e6,
          pingMs,
        });
      });
    });
    req.on('error', reject);
    const source = body();
    const pump = (): void => {
      for (;;) {
        const next = source.next();
        if (next.done) {
          req.end();
          // While the server parses and imports, it still answers.
          const pinged = Date.now();
          void fetch(`${sim.url}/api/system/ping`, { headers: { Authorization: ADMIN_BASIC } }).then(() => {
            pingMs = Date.now() - pinged;
          });
          return;
        }
        bytes += Buffer.byteLength(next.value);
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
  sim.seedMetadata(integrationSeed());
});
afterAll(async () => {
  await sim.close();
});

describe('a 1,000,000-value JSON import', () => {
  it('parses in constant memory (dry run) and stores each value once (real run)', { timeout: 240_000 }, async () => {
    gc();
    const dry = await post(sim, 'dryRun=true');
    expect(dry.status).toBe(200);
    expect((JSON.parse(dry.text) as { response: { importCount: unknown } }).response.importCount).toEqual({
      imported: VALUES,
      updated: 0,
      ignored: 0,
      deleted: 0,
    });
    expect(sim.state.dataValues.size).toBe(0);

    gc();
    const before = process.memoryUsage();
    const real = await post(sim, '');
    gc();
    const after = process.memoryUsage();
    expect(real.status).toBe(200);
    expect((JSON.parse(real.text) as { response: { importCount: unknown } }).response.importCount).toEqual({
      imported: VALUES,
      updated: 0,
      ignored: 0,
      deleted: 0,
    });
    expect(sim.state.dataValues.size).toBe(VALUES);
    const storedMb = (after.heapUsed - before.heapUsed) / 1e6;
    const figures = {
      bodyMb: +(real.bytes / 1e6).toFixed(1),
      dryRun: { seconds: dry.ms / 1000, peakHeapGrowthMb: +dry.peakHeapGrowthMb.toFixed(1), pingDuringImportMs: dry.pingMs },
      import: { seconds: real.ms / 1000, peakHeapGrowthMb: +real.peakHeapGrowthMb.toFixed(1), pingDuringImportMs: real.pingMs },
      storedValues: { heapMb: +storedMb.toFixed(1), bytesPerValue: Math.round((storedMb * 1e6) / VALUES) },
      rssMb: +(after.rss / 1e6).toFixed(1),
    };
    console.log(`1M-value import: ${JSON.stringify(figures)}`);
    // The body (~190 MB) never sits in memory: a dry run grows the heap by far less than the body.
    expect(dry.peakHeapGrowthMb).toBeLessThan(real.bytes / 1e6 / 2);
    expect(real.pingMs).toBeGreaterThanOrEqual(0);
  });
});
