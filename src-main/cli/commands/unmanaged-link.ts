/**
 * rollcall unmanaged --link: the dry run's unmanaged accounts of people in Entra whom the
 * integration does not sync are linked to them (core/adopt.ts), after a question on a terminal or
 * with --yes, like apply. Nothing is written to the LMS: the next `rollcall plan` shows the effect.
 */
import { describeNotAdopted } from '../../core/adopt';
import { showHidden } from '../../core/normalise';
import type { StoredIntegration } from '../../store/settings';
import type { Store } from '../../store/store';
import { adoptUnmanaged, previewAdoption } from '../../sync/adopt';
import type { UnmanagedList } from '../../sync/unmanaged-file';
import { askYesNo, canAsk } from '../confirm';
import { UsageError, type CliContext } from '../context';
import { exitCodeFor, ExitCode } from '../exit-codes';
import { table } from '../output';

/** Accounts named in the question; the rest are counted. */
const SHOWN = 20;

function accounts(k: number): string {
  return `${k.toLocaleString('en-US')} LMS ${k === 1 ? 'account' : 'accounts'}`;
}

export async function linkUnmanaged(ctx: CliContext, store: Store, record: StoredIntegration, list: UnmanagedList, yes: boolean): Promise<number> {
  const id = record.id;
  const preview = await previewAdoption(store, id, list);
  const left = describeNotAdopted(preview.notAdopted, 'cli');
  if (preview.links.length === 0) {
    if (ctx.out.json) ctx.out.result({ dryRunAt: list.plan.createdAt, linked: 0, active: 0, examples: [], notAdopted: preview.notAdopted });
    else ctx.out.out(['No account of the last dry run\'s list can be linked.', ...left].join(' '));
    return ExitCode.ok;
  }
  const k = preview.links.length;
  const follows = record.config.deactivation.deactivateUsers
    ? 'With "Deactivate users" on, the next dry run shows the active ones of people outside the scope or disabled in Entra as deactivations, and an apply deactivates them.'
    : '"Deactivate users" is off, so they stay as they are; someone who comes into scope keeps this account instead of getting a new one.';
  if (!yes) {
    if (!canAsk(ctx)) {
      throw new UsageError(
        `unmanaged --link makes ${accounts(k)} this integration's own. ${follows} It needs --yes ${ctx.out.json ? 'with --json' : 'when not run in a terminal'}.`,
        `Check the list first (rollcall unmanaged --integration ${id}), then run: rollcall unmanaged --integration ${id} --link --yes`,
      );
    }
    const seen = (v: string) => showHidden(v);
    ctx.out.out(table(['LMS ACCOUNT', 'ENTRA USER', 'ACTIVE'], preview.links.slice(0, SHOWN).map((l) => [seen(l.userName), seen(l.entraUser), l.active ? 'yes' : 'no'])));
    if (k > SHOWN) ctx.out.out(`… and ${(k - SHOWN).toLocaleString('en-US')} more (rollcall unmanaged --integration ${id} --out FILE.csv lists them all)`);
    if (left.length > 0) ctx.out.out(`\nLeft as they are: ${left.join(' ')}`);
    const question = `\nLink ${accounts(k)} to their people in Entra? ${follows} Nothing is written to the LMS now. [y/N] `;
    if (!(await askYesNo(question))) return ctx.out.out('Nothing was linked.'), ExitCode.ok;
  }
  const r = await adoptUnmanaged(store, id, list.plan.createdAt, ctx.now());
  if (!r.ok) return ctx.out.error(r.error), exitCodeFor(r.error);
  const done = r.value;
  if (ctx.out.json) {
    ctx.out.result({ dryRunAt: list.plan.createdAt, ...done });
    return ExitCode.ok;
  }
  const after = describeNotAdopted(done.notAdopted, 'cli');
  ctx.out.out(
    [
      done.linked > 0 ? `Linked ${accounts(done.linked)} (${done.active.toLocaleString('en-US')} active) to their people in Entra.` : 'No account was linked.',
      ...after,
      done.linked > 0 ? `Run \`rollcall plan --integration ${id}\` to see what changes for them.` : '',
    ]
      .filter(Boolean)
      .join(' '),
  );
  return ExitCode.ok;
}
