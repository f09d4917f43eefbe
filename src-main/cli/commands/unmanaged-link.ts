/**
 * rollcall unmanaged --link: the last dry run's unmanaged accounts that belong to someone in Entra
 * whom the integration does not sync are linked to them (core/adopt.ts), after a question on a
 * terminal or with --yes, like apply. Nothing is written to the LMS: the next sync does what follows.
 */
import { describeNotAdopted, linkConsequences, linkSettingsOf } from '../../core/adopt';
import { count } from '../../core/ops';
import { showHidden } from '../../core/normalise';
import { nextRunAt } from '../../store/integrations';
import type { StoredIntegration } from '../../store/settings';
import type { Store } from '../../store/store';
import { adoptUnmanaged, canLinkNow, previewAdoption } from '../../sync/adopt';
import type { UnmanagedList } from '../../sync/unmanaged-file';
import { askYesNo, canAsk } from '../confirm';
import { UsageError, type CliContext } from '../context';
import { exitCodeFor, ExitCode } from '../exit-codes';
import { table } from '../output';

/** Accounts named in the question; the rest are counted. */
const SHOWN = 20;

export async function linkUnmanaged(ctx: CliContext, store: Store, record: StoredIntegration, list: UnmanagedList, yes: boolean): Promise<number> {
  const id = record.id;
  const preview = await previewAdoption(store, id, list);
  if (!preview.ok) return ctx.out.error(preview.error), exitCodeFor(preview.error);
  const left = describeNotAdopted(preview.value.notAdopted);
  const k = preview.value.links.length;
  if (k === 0) {
    if (ctx.out.json) ctx.out.result({ dryRunAt: list.plan.createdAt, linked: 0, examples: [], notAdopted: preview.value.notAdopted });
    else ctx.out.out(["No account of the last dry run's list can be linked.", ...left].join(' '));
    return ExitCode.ok;
  }
  const accounts = count(k, 'LMS account', 'LMS accounts');
  const follows = linkConsequences(linkSettingsOf(record.config, record.enabled, nextRunAt(record, ctx.now())), k).join(' ');
  if (!yes) {
    // Not asked only to be refused after "y": a run in progress is said first (exit 4).
    const now = await canLinkNow(store, id);
    if (!now.ok) return ctx.out.error(now.error), exitCodeFor(now.error);
    if (!canAsk(ctx)) {
      throw new UsageError(
        `unmanaged --link makes ${accounts} this integration's own. ${follows} It needs --yes ${ctx.out.json ? 'with --json' : 'when not run in a terminal'}.`,
        `Check the list first (rollcall unmanaged --integration ${id}), then run: rollcall unmanaged --integration ${id} --link --yes`,
      );
    }
    ctx.out.out(table(['LMS ACCOUNT', 'ENTRA USER'], preview.value.links.slice(0, SHOWN).map((l) => [showHidden(l.userName), showHidden(l.entraUser)])));
    if (k > SHOWN) ctx.out.out(`… and ${(k - SHOWN).toLocaleString('en-US')} more (rollcall unmanaged --integration ${id} --out FILE.csv lists them all, with whyNotLinkable empty)`);
    if (left.length > 0) ctx.out.out(`\nLeft as they are: ${left.join(' ')}`);
    if (!(await askYesNo(`\nLink ${accounts} to ${k === 1 ? 'its person' : 'their people'} in Entra? ${follows} [y/N] `))) return ctx.out.out('Nothing was linked.'), ExitCode.ok;
  }
  const r = await adoptUnmanaged(store, id, list, ctx.now());
  if (!r.ok) return ctx.out.error(r.error), exitCodeFor(r.error);
  const done = r.value;
  if (ctx.out.json) {
    ctx.out.result({ dryRunAt: list.plan.createdAt, ...done });
    return ExitCode.ok;
  }
  ctx.out.out(
    [
      done.linked > 0 ? `Linked ${count(done.linked, 'LMS account', 'LMS accounts')} to ${done.linked === 1 ? 'its person' : 'their people'} in Entra.` : 'No account was linked.',
      ...describeNotAdopted(done.notAdopted),
      done.linked > 0 ? `Run \`rollcall plan --integration ${id}\` to see what changes for them.` : '',
    ]
      .filter(Boolean)
      .join(' '),
  );
  return ExitCode.ok;
}
