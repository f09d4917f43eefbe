/** rollcall unmanaged: the LMS accounts no integration manages, as the last dry run found them. */
import { toCsv } from '../../core/csv';
import { showHidden } from '../../core/normalise';
import { UNMANAGED_CSV_HEADER, unmanagedCsvRow, type UnmanagedAccount } from '../../core/unmanaged';
import { appError } from '../../core/errors';
import { writeFileAtomic } from '../../store/atomic-file';
import { readUnmanaged } from '../../sync/unmanaged-file';
import { exitCodeFor, ExitCode } from '../exit-codes';
import { requireOutFile } from '../out-file';
import { table } from '../output';
import { requireIntegration, requireString, type CliContext, type Command } from '../context';

const USAGE = 'rollcall unmanaged --integration ID [--out FILE.csv] [--json]';
/** Rows shown in the terminal; --out and --json have them all. */
const SHOWN = 20;

async function run(ctx: CliContext, values: Record<string, string | boolean | undefined>): Promise<number> {
  const id = requireString(values, 'integration', USAGE);
  await requireIntegration(ctx, id);
  const out = typeof values.out === 'string' ? await requireOutFile('out', values.out, 'unmanaged.csv') : null;
  const store = await ctx.openStore();
  const list = await readUnmanaged(store.dataDir, id, 'current');
  if (!list) {
    const error = appError('UNMANAGED_NOT_FOUND', 'There is no list of the LMS accounts no integration manages for the last dry run: none has made one yet, or the last one read the LMS only in part.', `Run \`rollcall plan --integration ${id}\`, then this command again.`);
    return ctx.out.error(error), exitCodeFor(error);
  }
  const { accounts } = list;
  const planCreatedAt = list.plan.createdAt;
  // Owner-only and atomic, like the plan: the list names people.
  if (out !== null) await writeFileAtomic(out, toCsv(UNMANAGED_CSV_HEADER, accounts.map(unmanagedCsvRow)));
  if (ctx.out.json) ctx.out.result({ dryRunAt: planCreatedAt, accounts });
  else {
    const active = accounts.filter((a) => a.active).length;
    ctx.out.out(`${accounts.length} LMS account(s) no integration manages (${active} active), from the dry run of ${planCreatedAt}.`);
    if (accounts.length > 0) {
      ctx.out.out('');
      // Values from the LMS, hidden characters shown (a terminal would hide them, or act on them).
      const seen = (v: string | null) => (v === null ? null : showHidden(v));
      const whose = (a: UnmanagedAccount) => (a.entraUser === null ? '—' : a.secondAccount ? `${a.entraUser} (second account)` : a.entraUser);
      ctx.out.out(table(['USERNAME', 'E-MAIL', 'NAME', 'ACTIVE', 'PERMISSIONS', 'ENTRA USER'], accounts.slice(0, SHOWN).map((a) => [seen(a.userName), seen(a.email), seen(a.displayName), a.active ? 'yes' : 'no', seen(a.permissionTypes) ?? '—', whose(a)])));
      if (accounts.length > SHOWN) ctx.out.out(`… and ${accounts.length - SHOWN} more (use --out FILE.csv or --json for all of them)`);
      ctx.out.out(
        '\nRollcall never changes these accounts. A second account belongs to someone synced through another one: merge or remove it in the LMS. For someone in Entra who is not synced, `rollcall diagnose --user ADDRESS` tells why. An account of nobody in Entra was made in the LMS (an administrator, a service account) or left by a leaver: remove only those that should not be there.',
      );
    }
    if (out !== null) ctx.out.out(`\nThe list was written to ${out}.`);
  }
  return ExitCode.ok;
}

export const unmanagedCommand: Command = {
  summary: 'LMS accounts no integration manages, from the last dry run (--out FILE.csv for all of them)',
  usage: USAGE,
  options: { integration: { type: 'string' }, out: { type: 'string' } },
  run: (ctx, values) => run(ctx, values),
};
