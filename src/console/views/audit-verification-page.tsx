import type { AuditVerificationReport, ExportManifest, SignedExport } from '../../audit';
import { consoleAssets } from '../console-assets';
import type { PageContext } from '../page-context';
import { Layout } from './layout';

export interface VerificationPageProps {
  readonly ctx: PageContext;
  /** The tenant whose chain was verified; null for every chain. */
  readonly tenantId: string | null;
  readonly showTenant: boolean;
  readonly report: AuditVerificationReport;
}

/** The access log's integrity, in the manner of CloudTrail's `validate-logs`: what was asked, what was covered, what held. */
export function AuditVerificationPage(props: VerificationPageProps) {
  const r = props.report;
  const badCheckpoints = new Set(r.problems.filter((p) => p.chainId === 'checkpoints').map((p) => p.seq)).size;
  const csrf = props.ctx.session?.csrfToken;
  return (
    <Layout title="Verification report" ctx={props.ctx}>
      <h1>Verification report</h1>
      <p class={r.ok ? 'notice' : 'error'} role="status">
        {r.ok
          ? 'The access log verifies: no entry or checkpoint was changed, removed or reordered.'
          : 'The access log does NOT verify.'}
      </p>
      <table>
        <caption>Recomputed now from the database, with the published checkpoint keys only.</caption>
        <tbody>
          <Row
            label="Range requested"
            value={props.tenantId ? `the chain of tenant ${props.tenantId}` : 'every chain, from its first entry'}
          />
          <Row label="Range covered" value={`${r.chains} chains, ${r.entries} entries, through the chain heads`} />
          <Row label="Checkpoints valid" value={`${r.checkpoints - badCheckpoints}/${r.checkpoints}`} />
          <Row
            label="Entries valid"
            value={r.ok ? `${r.entries}/${r.entries}` : `not all: see the first bad entry (${r.entries} read)`}
          />
          <Row label="Not yet under a checkpoint" value={String(r.unattestedEntries)} />
          {r.firstBad ? (
            <>
              <Row label="First bad" value={`${r.firstBad.chainId} seq ${r.firstBad.seq}: ${r.firstBad.problem}`} />
              <Row label="Why" value={r.firstBad.detail} />
            </>
          ) : null}
        </tbody>
      </table>
      {r.problems.length > 1 ? (
        <section aria-labelledby="problems-heading">
          <h2 id="problems-heading">Every problem found</h2>
          <ul>
            {r.problems.map((p) => (
              <li key={`${p.chainId}:${p.seq}:${p.problem}`} class="mono">
                {p.chainId} seq {p.seq}: {p.problem}, {p.detail}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {props.showTenant ? (
        <form method="get" action="/console/audit/verification" class="panel" aria-label="Verify one tenant">
          <div class="field">
            <label for="tenant">Tenant id (empty: every chain)</label>
            <input id="tenant" name="tenant" value={props.tenantId ?? ''} maxLength={64} />
          </div>
          <button type="submit">Verify again</button>
        </form>
      ) : null}
      <section aria-labelledby="export-heading" class="panel">
        <h2 id="export-heading">Export with a signed manifest</h2>
        <p class="hint">
          The manifest carries the file&apos;s SHA-256, its scope and counts, signed with the checkpoint key. Verify
          both offline with <span class="mono">ordervault audit verify --file F --manifest M --public-key K</span> or{' '}
          <a href="/console/audit/verify-export">in this browser</a>.
        </p>
        <form method="post" action="/console/audit/exports">
          {csrf ? <input type="hidden" name="_csrf" value={csrf} /> : null}
          {props.tenantId ? <input type="hidden" name="tenant" value={props.tenantId} /> : null}
          <div class="field">
            <label for="format">Format</label>
            <select id="format" name="format">
              <option value="ndjson">NDJSON (with checkpoints and proofs)</option>
              <option value="csv">CSV (entries, for spreadsheets)</option>
            </select>
          </div>
          <button type="submit">Export</button>
        </form>
      </section>
    </Layout>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{value}</td>
    </tr>
  );
}

const dataUrl = (type: string, body: Buffer) => `data:${type.split(';')[0]};base64,${body.toString('base64')}`;

/** The export just made: the file and its manifest as two downloads, built here so that nothing is stored. */
export function ExportReadyPage({ ctx, signed }: { ctx: PageContext; signed: SignedExport }) {
  const m: ExportManifest = signed.manifest;
  const manifestName = `${signed.fileName}.manifest.json`;
  const manifestBody = Buffer.from(`${JSON.stringify(m, null, 2)}\n`, 'utf8');
  return (
    <Layout title="Export ready" ctx={ctx}>
      <h1>Export ready</h1>
      <p>
        {m.counts.entries} entries of {m.counts.chains} chains and {m.counts.checkpoints} checkpoints, SHA-256{' '}
        <span class="mono">{m.file.sha256}</span>, signed by key <span class="mono">{m.signingKeyId}</span>.
      </p>
      <ul>
        <li>
          <a href={dataUrl(signed.contentType, signed.body)} download={signed.fileName}>
            Download the export ({signed.fileName})
          </a>
        </li>
        <li>
          <a href={dataUrl('application/json', manifestBody)} download={manifestName}>
            Download the signed manifest ({manifestName})
          </a>
        </li>
      </ul>
      <p>
        <a href="/console/audit/verify-export">Verify an export in this browser</a>
      </p>
    </Layout>
  );
}

/** Files are read by the bundled script and never leave the browser: the form has no action to send them to. */
export function ExportVerifierPage({ ctx, publicKeys }: { ctx: PageContext; publicKeys: string[] }) {
  const { verifier } = consoleAssets();
  return (
    <Layout title="Verify an export" ctx={ctx}>
      <script src={verifier.path} integrity={verifier.integrity} defer />
      <h1>Verify an export in this browser</h1>
      <p class="hint">
        Nothing is uploaded: the files are read and checked here with the browser&apos;s own WebCrypto (Ed25519,
        SHA-256). The manifest signature, the file&apos;s SHA-256 and, for NDJSON, every entry&apos;s chain link and
        hash are checked; the CLI also checks the signed checkpoints.
      </p>
      <form id="export-verifier" class="panel">
        <div class="field">
          <label for="export">Export file (NDJSON or CSV)</label>
          <input id="export" name="export" type="file" accept=".ndjson,.csv,.json,.txt" />
        </div>
        <div class="field">
          <label for="manifest">Signed manifest</label>
          <input id="manifest" name="manifest" type="file" accept=".json" />
        </div>
        <div class="field">
          <label for="keys">Published public keys (GET /v1/audit/public-key), one per line</label>
          <textarea id="keys" name="keys" rows={3} cols={60}>
            {publicKeys.join('\n')}
          </textarea>
        </div>
        <button type="submit">Verify</button>
      </form>
      <div id="verifier-result" role="status" aria-live="polite" />
    </Layout>
  );
}
