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
import { requireIntegration, requireString, UsageError, type CliContext, type Command } from '../context';
import { linkUnmanaged } from './unmanaged-link';

const USAGE = `rollcall unmanaged --integration ID [--out FILE.csv] [--json]
rollcall unmanaged --integration ID --link [--yes] [--json]    links the accounts of people in Entra whom it does not sync to them: asks first on a terminal, --yes in a script`;
/** Rows shown in the terminal; --out and --json have them all. */
const SHOWN = 20;

async function run(ctx: CliContext, values: Record<string, string | boolean | undefined>): Promise<number> {
  const id = requireString(values, 'integration', USAGE);
  const record = await requireIntegration(ctx, id);
  if (values.link === true && typeof values.out === 'string') throw new UsageError('--link and --out are separate steps.', `Export the list first (rollcall unmanaged --integration ${id} --out FILE.csv), then link: rollcall unmanaged --integration ${id} --link`);
  if (values.yes === true && values.link !== true) throw new UsageError('--yes answers the question --link asks; without --link nothing is asked.', `To link the accounts: rollcall unmanaged --integration ${id} --link --yes`);
  const out = typeof values.out === 'string' ? await requireOutFile('out', values.out, 'unmanaged.csv') : null;
  const store = await ctx.openStore();
  const list = await readUnmanaged(store.dataDir, id, 'current');
  if (!list) {
    const error = appError('UNMANAGED_NOT_FOUND', 'There is no list of the LMS accounts no integration manages for the last dry run: none has made one yet, or the last one read the LMS only in part.', `Run \`rollcall plan --integration ${id}\`, then this command again.`);
    return ctx.out.error(error), exitCodeFor(error);
  }
  if (values.link === true) return linkUnmanaged(ctx, store, record, list, values.yes === true);
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
        '\nRollcall never changes these accounts. A second account belongs to someone synced through another one: merge or remove it in the LMS. For someone in Entra who is not synced, `rollcall diagnose --user ADDRESS` tells why, and `--link` links such accounts to their people so that this integration manages them. An account of nobody in Entra was made in the LMS (an administrator, a service account) or left by a leaver: remove only those that should not be there.',
      );
    }
    if (out !== null) ctx.out.out(`\nThe list was written to ${out}.`);
  }
  return ExitCode.ok;
}

export const unmanagedCommand: Command = {
  summary: 'LMS accounts no integration manages, from the last dry run (--out FILE.csv for all of them, --link to manage those of people in Entra)',
  usage: USAGE,
  options: { integration: { type: 'string' }, out: { type: 'string' }, link: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } },
  run: (ctx, values) => run(ctx, values),
};
