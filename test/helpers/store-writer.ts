// Child process for store-processes.test.ts: appends `count` entries to the shared settings file.
import { Store } from '../../src-main/store/store';

const [dir, tag, count] = process.argv.slice(2);
const store = await Store.open(dir ?? '.');
for (let i = 0; i < Number(count); i++) {
  await store.settings.update((s) => {
    s.preferences.dismissedNotices.push(`${tag}-${i}`);
  });
}
