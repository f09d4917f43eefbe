import { Body1, Button, Caption1, MessageBar, MessageBarBody } from '@fluentui/react-components';
import { useMutation } from '@tanstack/react-query';
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useOpenQuestion } from './open-question';
import type { CandidateAccount, LinkOwner, PlanOp } from '../../../../src-preload/api-types';
import { call, toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useIntegration, useInvalidateIntegration } from '../../queries';
import { mono, Shown } from './Shown';

export type Resolution = { action: 'relink'; targetId: string } | { action: 'ignore' } | { action: 'new-account' };

/**
 * With "Create users" off, "Not theirs" creates nothing: the person is listed as not created
 * (create_users_off) until it is turned on. Where that is, in the admin's words.
 */
const NO_NEW_ACCOUNT = 'No LMS account is created for this person while "Create users" is off: turn it on in the integration\'s settings (Edit on its card, then "Rules and mapping", "What the integration may change") and the next sync creates one.';

function resolvedText(r: Resolution, createUsers: boolean): string {
  switch (r.action) {
    case 'relink':
      return `Linked to the LMS account ${r.targetId}.`;
    case 'ignore':
      return 'Added to the skip list: the integration will leave this person alone.';
    case 'new-account':
      return createUsers
        ? 'This person gets a new LMS account; the account that matched their other address stays as it is.'
        : `Marked as not theirs: the account that matched their other address stays as it is. ${NO_NEW_ACCOUNT}`;
  }
}

/** The question open under a conflict's buttons: one at a time. */
type Asking = { action: 'relink'; targetId: string } | { action: 'new-account' };

export function ConflictActions({ op, integrationId, resolution, onResolved }: { op: PlanOp; integrationId: string; resolution: Resolution | undefined; onResolved: (r: Resolution) => void }) {
  const invalidate = useInvalidateIntegration();
  // The setting as it is now (the dry run on screen may be older); the dry-run page has it loaded.
  const createUsers = useIntegration(integrationId).data?.config.mapping.createUsers ?? true;
  const sourceId = op.sourceId ?? op.candidates?.sourceIds[0] ?? null;
  // A Relink that takes a link from someone, or leaves an account unmanaged, is confirmed first;
  // so is a new account beside one that may hold their learning history. One question at a time:
  // while it is open the other actions wait, so two answers can never be given at once.
  const [asking, setAsking] = useState<Asking | null>(null);
  // And one on the page: while another conflict's question is open, this one's actions wait too.
  const page = useOpenQuestion();
  const owner = sourceId ?? op.targetId ?? '';
  const elsewhere = page !== null && page.owner !== null && page.owner !== owner;
  const setPageOwner = page?.setOwner;
  // Claimed by ask(); given back when the question closes (Cancel, Escape, an answer).
  useEffect(() => {
    if (asking === null) setPageOwner?.((o) => (o === owner ? null : o));
  }, [asking, owner, setPageOwner]);
  // A row scrolled away or closed while asking takes its question with it.
  useEffect(() => () => setPageOwner?.((o) => (o === owner ? null : o)), [owner, setPageOwner]);
  // The button that asked, given the keyboard back when the question is taken back.
  const opener = useRef<HTMLElement | null>(null);
  const giveBack = useRef<HTMLElement | null>(null);
  // An answer given here takes the keyboard (its button is gone); one shown again on reopening does not.
  const answered = useRef(false);
  const resolve = useMutation({
    mutationFn: (r: Resolution) =>
      r.action === 'relink' ? call('resolveConflict', { id: integrationId, action: 'relink', sourceId: sourceId ?? '', targetId: r.targetId }) : call('resolveConflict', { id: integrationId, action: r.action, sourceId: sourceId ?? '' }),
    onSuccess: (_s, r) => {
      invalidate(integrationId);
      answered.current = true;
      setAsking(null);
      onResolved(r);
    },
  });
  useEffect(() => {
    if (asking !== null || !giveBack.current) return;
    const el = giveBack.current;
    giveBack.current = null;
    if (el.isConnected) el.focus();
  }, [asking]);
  const focusAnswer = useCallback((el: HTMLDivElement | null) => {
    if (el && answered.current) {
      answered.current = false;
      el.focus();
    }
  }, []);
  if (!sourceId) return <Caption1>This conflict has no Entra user to act on; fix it in the LMS.</Caption1>;
  if (resolution)
    return (
      <MessageBar intent="success" layout="multiline" data-testid="conflict-resolved" tabIndex={-1} ref={focusAnswer}>
        <MessageBarBody>
          {resolvedText(resolution, createUsers)} Run a new dry run to see the effect.
        </MessageBarBody>
      </MessageBar>
    );
  const targets = op.candidates?.targetIds ?? [];
  const one = targets.length === 1;
  // Plans saved before accounts were carried show the id only.
  const accountOf = new Map((op.candidates?.accounts ?? []).map((a) => [a.id, a]));
  const linkedHere = [...accountOf.values()].filter((a) => a.linkedTo.some((o) => o.sourceId === sourceId)).length;
  const ask = (a: Asking, e: React.MouseEvent<HTMLElement>) => {
    opener.current = e.currentTarget;
    // Claimed with the click, not an effect later: the other rows wait from the same render.
    setPageOwner?.(owner);
    setAsking(a);
  };
  const takeBack = () => {
    giveBack.current = opener.current;
    setAsking(null);
  };
  const relink = (t: string, e: React.MouseEvent<HTMLElement>) => {
    if (relinkLosses(t, [...accountOf.values()], sourceId).length > 0) ask({ action: 'relink', targetId: t }, e);
    else resolve.mutate({ action: 'relink', targetId: t });
  };
  // While a question is open the actions are out of the way (not in the tab order); while an
  // answer is on its way they keep the keyboard where it is (focusable, but inert).
  const wait = asking !== null || elsewhere ? { disabled: true } : resolve.isPending ? { disabledFocusable: true } : {};
  const who = op.displayName ?? op.email ?? 'this person';
  const relinking = asking?.action === 'relink' ? asking.targetId : null;
  const notTheirs = op.reason !== 'alias_match' ? '' : createUsers ? ', give them a new one if none is theirs,' : ', say none is theirs (no new account is created while "Create users" is off),';
  return (
    <div style={{ display: 'grid', gap: 8 }} data-testid="conflict-actions">
      <Caption1>
        Rollcall never merges accounts on its own. Pick the LMS account that belongs to this person{notTheirs} or leave them alone.
      </Caption1>
      {elsewhere ? <Caption1 data-testid="question-elsewhere">Another conflict's question is open on this page: answer it or cancel it first.</Caption1> : null}
      {linkedHere > 1 ? (
        <Caption1 data-testid="relink-unlinks">
          This person is linked to {linkedHere} of these accounts. Relink keeps the one you pick;{' '}
          {linkedHere === 2
            ? 'the other is then no longer managed by Rollcall (not updated, not deactivated) and stays in the LMS as it is: deactivate it there once its learning history is no longer needed.'
            : 'the others are then no longer managed by Rollcall (not updated, not deactivated) and stay in the LMS as they are: deactivate them there once their learning history is no longer needed.'}
        </Caption1>
      ) : null}
      {targets.map((t) => (
        <div key={t} style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <AccountLine id={t} account={accountOf.get(t)} personId={sourceId} />
          <Button size="small" onClick={(e) => relink(t, e)} {...wait} aria-label={`Relink to LMS account ${t}`}>
            Relink
          </Button>
        </div>
      ))}
      {relinking !== null ? (
        <InlineConfirm testId="relink-confirm" yesLabel="Relink" yesTestId="relink-confirm-yes" busy={resolve.isPending} onYes={() => resolve.mutate({ action: 'relink', targetId: relinking })} onCancel={takeBack}>
          <span>
            Relink {who} to the LMS account {relinking}?
          </span>
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {relinkLosses(relinking, [...accountOf.values()], sourceId).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </InlineConfirm>
      ) : null}
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center' }}>
        {/* An account found by another of their addresses may be someone else's (a reused or shared address). */}
        {op.reason === 'alias_match' ? (
          <Button size="small" onClick={(e) => ask({ action: 'new-account' }, e)} {...wait} data-testid="conflict-new-account">
            {createUsers ? 'Not theirs: create a new account' : 'Not theirs'}
          </Button>
        ) : null}
        <Button size="small" onClick={() => resolve.mutate({ action: 'ignore' })} {...wait} data-testid="conflict-ignore">
          Ignore (skip list)
        </Button>
      </div>
      {asking?.action === 'new-account' ? (
        <InlineConfirm testId="new-account-confirm" yesLabel={createUsers ? 'Create a new account' : 'Not theirs'} yesTestId="new-account-confirm-yes" busy={resolve.isPending} onYes={() => resolve.mutate({ action: 'new-account' })} onCancel={takeBack}>
          <span>
            {createUsers ? `Give ${who} a new LMS account? ${one ? 'The account above stays' : 'The accounts above stay'}` : `Mark ${one ? 'the account above' : 'the accounts above'} as not ${who}'s? ${one ? 'It stays' : 'They stay'}`} as{' '}
            {one ? 'it is' : 'they are'}, with {one ? 'its' : 'their'} learning history, and {one ? 'is' : 'are'} not linked to this person. {createUsers ? '' : `${NO_NEW_ACCOUNT} `}If {one ? 'it is' : 'one is'} theirs,
            Relink instead.
          </span>
        </InlineConfirm>
      ) : null}
      {resolve.isError ? <ErrorMessage error={toAppError(resolve.error)} title="Could not resolve the conflict" /> : null}
    </div>
  );
}

/**
 * A question under the conflict's buttons before a resolution that changes whose account is
 * whose. It takes the keyboard as it opens, on Cancel (the answer that changes nothing); Escape
 * is Cancel too. While the answer is on its way its buttons keep the keyboard, inert.
 */
function InlineConfirm(props: { testId: string; yesLabel: string; yesTestId: string; busy: boolean; onYes: () => void; onCancel: () => void; children: ReactNode }) {
  const questionId = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== 'Escape' || props.busy) return;
    e.stopPropagation();
    props.onCancel();
  };
  return (
    <MessageBar intent="warning" layout="multiline" data-testid={props.testId} aria-labelledby={questionId} onKeyDown={onKeyDown}>
      <MessageBarBody>
        <div style={{ display: 'grid', gap: 6 }}>
          <div id={questionId} style={{ display: 'grid', gap: 6 }}>
            {props.children}
          </div>
          <div style={{ display: 'flex', gap: 8 }}>
            <Button size="small" appearance="primary" disabledFocusable={props.busy} onClick={props.onYes} data-testid={props.yesTestId}>
              {props.yesLabel}
            </Button>
            <Button size="small" disabledFocusable={props.busy} onClick={props.onCancel} ref={cancel}>
              Cancel
            </Button>
          </div>
        </div>
      </MessageBarBody>
    </MessageBar>
  );
}

/**
 * What a Relink of the person to `targetId` takes away, in the admin's words: the link of someone
 * else to that account, and this person's links to the other accounts (then no longer managed).
 */
export function relinkLosses(targetId: string, accounts: readonly CandidateAccount[], personId: string): string[] {
  const lines: string[] = [];
  const picked = accounts.find((a) => a.id === targetId);
  for (const o of picked?.linkedTo ?? []) {
    if (o.sourceId !== personId) lines.push(`${ownerName(o)} loses the link to this account: Rollcall no longer updates or deactivates it for them.`);
  }
  for (const a of accounts) {
    if (a.id !== targetId && a.linkedTo.some((o) => o.sourceId === personId)) lines.push(`The account ${a.userName} (${a.id}) is no longer managed by Rollcall and stays in the LMS as it is.`);
  }
  return lines;
}

const ownerName = (o: LinkOwner): string => (o.name === null ? `an Entra user no longer in Entra (${o.sourceId})` : `${o.name} (${o.sourceId})`);

/** Whom the integration links the account to now, so a Relink that takes it from someone says so. */
function linkedToText(linkedTo: readonly LinkOwner[], personId: string): string {
  if (linkedTo.length === 0) return 'Not linked by this integration.';
  const others = linkedTo.filter((o) => o.sourceId !== personId).map(ownerName);
  const list = others.length > 1 ? `${others.slice(0, -1).join(', ')} and ${others.at(-1) ?? ''}` : (others[0] ?? '');
  if (others.length === linkedTo.length) return `Linked to ${list}: Relink moves it to this person.`;
  if (others.length === 0) return 'Linked to this person.';
  return `Linked to this person and to ${list}: Relink leaves it linked to this person only.`;
}

/** An LMS account as the admin knows it: its user name and e-mail, whether it is active, its id, whose it is. */
function AccountLine({ id, account, personId }: { id: string; account: CandidateAccount | undefined; personId: string }) {
  if (!account) return <Body1 style={mono}>LMS account {id}</Body1>;
  const email = account.email && account.email.toLowerCase() !== account.userName.toLowerCase() ? ` · ${account.email}` : '';
  const owner = linkedToText(account.linkedTo, personId);
  return (
    <div data-testid="candidate-account" style={{ display: 'grid' }}>
      <Body1>
        <Shown text={account.userName} />
        {email ? <Shown text={email} /> : null}
        {account.active ? '' : ' · inactive'}
      </Body1>
      <Caption1 style={mono}>
        LMS id {id}
        {account.externalId ? ` · externalId ${account.externalId}` : ' · no externalId'}
      </Caption1>
      <Caption1 data-testid="candidate-owner">{owner}</Caption1>
    </div>
  );
}
