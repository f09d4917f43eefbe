// Child process for the kill-and-rerun tests: one real apply run of an integration, with the
// (simulator) secrets handed over in the environment, as a scheduled run would do.
import { MemorySecretStore } from '../../src-main/secrets/memory-store';
import { Store } from '../../src-main/store/store';
import { runIntegration } from '../../src-main/sync/run';

const [dataDir, integrationId] = process.argv.slice(2);
if (!dataDir || !integrationId) throw new Error('usage: apply-child DATA_DIR INTEGRATION_ID');
const secrets = new MemorySecretStore();
await secrets.set(integrationId, 'clientSecret', process.env.TEST_CLIENT_SECRET ?? '');
await secrets.set(integrationId, 'lmsToken', process.env.TEST_LMS_TOKEN ?? '');
const store = await Store.open(dataDir);
const outcome = await runIntegration({ store, secrets, now: () => new Date() }, { integrationId, kind: 'apply', trigger: 'cli', lockWaitMs: 10_000 });
process.stdout.write(JSON.stringify({ outcome: outcome.run.outcome, error: outcome.error?.code ?? null, applied: outcome.run.applied }));
process.exit(outcome.run.outcome === 'succeeded' ? 0 : 1);
