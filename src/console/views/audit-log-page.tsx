import { holds } from '../../access/access-policy';
import {
  AUDIT_ACTIONS,
  AUDIT_ACTOR_KINDS,
  type AuditCheckpointView,
  type AuditEntryPage,
  type AuditEntryView,
} from '../../audit';
import { Permissions } from '../../auth';
import { auditPageUrl, type AuditFormValues } from '../audit-filter-form';
import type { PageContext } from '../page-context';
import { FilterProblems } from './form-parts';
import { Layout } from './layout';

export interface AuditLogPageProps {
  readonly ctx: PageContext;
  readonly values: AuditFormValues;
  /** Auditors may filter by tenant; a seller sees its own chain only. */
  readonly showTenant: boolean;
  readonly page: AuditEntryPage | null;
  readonly problems: string[];
}

/** The access log: combinable filters kept in the URL, newest first, reads (reveals) shown like everything else. */
export function AuditLogPage(props: AuditLogPageProps) {
  const v = props.values;
  return (
    <Layout title="Access log" ctx={props.ctx}>
      <h1>Access log</h1>
      <form method="get" action="/console/audit" class="panel" role="search" aria-label="Filter the access log">
        <div class="filters">
          <TextField name="from" label="From (UTC)" value={v.from} hint="e.g. 2026-11-02T10:00Z" />
          <TextField name="to" label="Until (UTC)" value={v.to} hint="exclusive" />
          <TextField name="actor" label="Actor id" value={v.actor} hint="staff id, key or job" />
          <div class="field">
            <label for="kind">Actor kind</label>
            <select id="kind" name="kind">
              <option value="">any</option>
              {AUDIT_ACTOR_KINDS.map((k) => (
                <option key={k} value={k} selected={k === v.kind}>
                  {k}
                </option>
              ))}
            </select>
          </div>
          <TextField name="role" label="Role" value={v.role} hint="support, admin, auditor, owner, …" />
          <TextField name="text" label="Reason or ticket contains" value={v.text} />
          <div class="field">
            <label for="action">Action</label>
            <select id="action" name="action">
              <option value="">any</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a} selected={a === v.action}>
                  {a}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="outcome">Outcome</label>
            <select id="outcome" name="outcome">
              <option value="">any</option>
              <option value="allowed" selected={v.outcome === 'allowed'}>
                allowed
              </option>
              <option value="denied" selected={v.outcome === 'denied'}>
                denied
              </option>
            </select>
          </div>
          {props.showTenant ? <TextField name="tenant" label="Tenant id" value={v.tenant} /> : null}
          <TextField name="order" label="Order id" value={v.order} />
        </div>
        <div class="actions">
          <button type="submit">Apply filters</button>
          <a href="/console/audit">Clear</a>
        </div>
      </form>
      <FilterProblems problems={props.problems} />
      {props.page ? <Entries page={props.page} values={v} /> : null}
      {props.ctx.principal && holds(props.ctx.principal, Permissions.AUDIT_CHECKPOINT) ? (
        <CheckpointForm csrf={props.ctx.session?.csrfToken} />
      ) : null}
    </Layout>
  );
}

/** Works as a plain form; with htmx the result replaces the status line below it. */
function CheckpointForm({ csrf }: { csrf?: string }) {
  return (
    <section aria-labelledby="checkpoint-heading" class="panel">
      <h2 id="checkpoint-heading">Signed checkpoint</h2>
      <p class="hint">
        Checkpoints are signed within seconds of new entries; sign one now to close the unsigned tail before an export.
      </p>
      <form
        method="post"
        action="/console/audit/checkpoints"
        hx-post="/console/audit/checkpoints"
        hx-target="#checkpoint-result"
        hx-swap="innerHTML"
      >
        {csrf ? <input type="hidden" name="_csrf" value={csrf} /> : null}
        <button type="submit">Sign a checkpoint now</button>
      </form>
      <div id="checkpoint-result" role="status" aria-live="polite" />
    </section>
  );
}

export function CheckpointWritten({ checkpoint }: { checkpoint: AuditCheckpointView }) {
  return (
    <p class="notice">
      Checkpoint {checkpoint.checkpointSeq} signed at {checkpoint.createdAt.replace('T', ' ')} over{' '}
      {checkpoint.chainCount} chains (root <span class="mono">{checkpoint.root}</span>, key{' '}
      <span class="mono">{checkpoint.signingKeyId}</span>).
    </p>
  );
}

export function CheckpointWrittenPage({ ctx, checkpoint }: { ctx: PageContext; checkpoint: AuditCheckpointView }) {
  return (
    <Layout title="Checkpoint signed" ctx={ctx}>
      <h1>Checkpoint signed</h1>
      <CheckpointWritten checkpoint={checkpoint} />
      <p>
        <a href="/console/audit">Back to the access log</a>
      </p>
    </Layout>
  );
}

function TextField(props: { name: string; label: string; value: string; hint?: string }) {
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      <input id={props.name} name={props.name} value={props.value} maxLength={128} aria-describedby={hintId} />
      {props.hint ? (
        <span class="hint" id={hintId}>
          {props.hint}
        </span>
      ) : null}
    </div>
  );
}

function Entries({ page, values }: { page: AuditEntryPage; values: AuditFormValues }) {
  return (
    <section aria-labelledby="entries-heading">
      <h2 id="entries-heading">Entries</h2>
      {page.items.length === 0 ? (
        <p>No entries match these filters.</p>
      ) : (
        <table>
          <caption>
            {page.items.length} entries, newest first{values.cursor ? ' (older page)' : ''}. Times are UTC.
          </caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Actor</th>
              <th scope="col">Targets</th>
              <th scope="col">Reason</th>
              <th scope="col">Chain · seq</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((e) => (
              <EntryRow key={`${e.chainId}:${e.seq}`} e={e} />
            ))}
          </tbody>
        </table>
      )}
      <p class="pager">
        {values.cursor ? <a href={auditPageUrl(values)}>Newest entries</a> : null}
        {values.cursor && page.nextCursor ? ' · ' : null}
        {page.nextCursor ? <a href={auditPageUrl(values, page.nextCursor)}>Older entries</a> : null}
      </p>
    </section>
  );
}

function EntryRow({ e }: { e: AuditEntryView }) {
  const targets = Object.entries((e.targets ?? {}) as Record<string, unknown>)
    .filter(([k]) => k !== 'actorKeyId')
    .map(([k, val]) => `${k}=${Array.isArray(val) ? val.join(',') : String(val)}`);
  return (
    <tr>
      <td class="mono">{e.occurredAt.replace('T', ' ')}</td>
      <td class="mono">
        {e.action}
        {e.breakGlass ? (
          <>
            {' '}
            <span class="tag denied">break-glass</span>
          </>
        ) : null}
      </td>
      <td>
        <span class={`tag ${e.outcome === 'denied' ? 'denied' : 'allowed'}`}>{e.outcome}</span>
      </td>
      <td class="mono">
        {e.actor.kind}
        {e.actor.role ? ` (${e.actor.role})` : ''} {e.actor.id}
        {e.actor.keyId ? ` via ${e.actor.keyId}` : ''}
      </td>
      <td class="mono">{targets.length ? targets.join(' ') : '-'}</td>
      <td>
        {e.reason ?? '-'}
        {e.ticketRef ? ` (ticket ${e.ticketRef})` : ''}
      </td>
      <td class="mono">
        {e.chainId} · {e.seq}
      </td>
    </tr>
  );
}
