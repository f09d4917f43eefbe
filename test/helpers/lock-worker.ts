// Child process for the lock test: takes the lock `count` times and, while holding it, claims a
// marker file that only one holder at a time can create. Prints how often that failed.
import { promises as fs } from 'node:fs';
import { acquireLock } from '../../src-main/store/file-lock';

const [dir, count, heartbeat] = process.argv.slice(2);
let overlaps = 0;
for (let i = 0; i < Number(count); i++) {
  const got = await acquireLock(`${dir}/x.lock`, { purpose: 'test', waitMs: 60_000, staleMs: 60_000, heartbeatMs: Number(heartbeat ?? 0) });
  if (!got.acquired) throw new Error('not acquired');
  try {
    await fs.writeFile(`${dir}/marker`, String(process.pid), { flag: 'wx' });
  } catch {
    overlaps++;
  }
  await new Promise((r) => setTimeout(r, 1));
  await fs.rm(`${dir}/marker`, { force: true });
  await got.lock.release();
}
process.stdout.write(String(overlaps));
