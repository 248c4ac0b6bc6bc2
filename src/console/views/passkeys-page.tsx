import type { PasskeyView } from '../../access/people/passkeys.service';
import { consoleAssets } from '../console-assets';
import type { PageContext } from '../page-context';
import { Layout } from './layout';

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) + ' UTC' : 'never');

/**
 * The signed-in person's passkeys: listed, removable, and a form to register
 * another. Registering needs the browser's authenticator, so that form stays
 * hidden until the script finds WebAuthn; removing is a plain form.
 */
export function PasskeysPage(props: { ctx: PageContext; passkeys: PasskeyView[]; notice?: string }) {
  const { ctx } = props;
  const csrf = ctx.session?.csrfToken ?? '';
  const script = consoleAssets().passkeys;
  return (
    <Layout title="Passkeys" ctx={ctx}>
      <h1>Passkeys</h1>
      <p>
        A passkey signs you in instead of your password and code: your device checks it is you (fingerprint, face or
        PIN), so it counts as both factors.
      </p>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <p class="error" role="alert" id="passkey-error" hidden />
      <form id="passkey-register" class="panel" hidden aria-labelledby="register-heading">
        <h2 id="register-heading">Add a passkey</h2>
        <input type="hidden" name="_csrf" value={csrf} />
        <div class="field">
          <label for="passkey-name">Name of this passkey</label>
          <input id="passkey-name" name="name" required maxLength={60} value="My passkey" />
        </div>
        <button type="submit">Add passkey</button>
      </form>
      <h2>Your passkeys</h2>
      {props.passkeys.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Transports</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Remove</th>
            </tr>
          </thead>
          <tbody>
            {props.passkeys.map((p) => (
              <tr key={p.passkeyId}>
                <td>{p.name}</td>
                <td>{p.transports.join(', ') || '—'}</td>
                <td>{when(p.createdAt)}</td>
                <td>{when(p.lastUsedAt)}</td>
                <td>
                  <form method="post" action={`/console/passkeys/${p.passkeyId}/remove`}>
                    <input type="hidden" name="_csrf" value={csrf} />
                    <button type="submit" class="secondary" aria-label={`Remove passkey ${p.name}`}>
                      Remove
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>You have no passkeys yet.</p>
      )}
      <script type="module" src={script.path} integrity={script.integrity} />
    </Layout>
  );
}
