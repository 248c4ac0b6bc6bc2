import type { ApiKeyView, IssuedKeyView } from '../../access/api-key.mapper';
import { KEY_PREFIX } from '../../access/api-key-format';
import { SELLER_SCOPES } from '../../auth';
import type { PageContext } from '../page-context';
import { Csrf } from './form-parts';
import { when } from './format';
import { Layout } from './layout';

/** The tenant's API keys: prefix, scopes, dates; create one, revoke one. */
export function ApiKeysPage(props: { ctx: PageContext; keys: ApiKeyView[] }) {
  const { ctx } = props;
  return (
    <Layout title="API keys" ctx={ctx}>
      <h1>API keys</h1>
      <section class="panel" aria-labelledby="create-key-heading">
        <h2 id="create-key-heading">Create a key</h2>
        <form method="post" action="/console/api-keys">
          <Csrf ctx={ctx} />
          <div class="field">
            <label for="key-label">Label</label>
            <input id="key-label" name="label" required maxLength={100} />
          </div>
          <fieldset>
            <legend>Scopes</legend>
            {SELLER_SCOPES.map((s) => (
              <div key={s}>
                <input type="checkbox" id={`scope-${s}`} name="scopes" value={s} />{' '}
                <label for={`scope-${s}`}>{s}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit">Create key</button>
        </form>
      </section>
      <h2>Keys</h2>
      {props.keys.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Prefix</th>
              <th scope="col">Label</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {props.keys.map((k) => (
              <tr key={k.keyId}>
                <td>
                  <code>{`${KEY_PREFIX}${k.keyId}_…`}</code>
                </td>
                <td>{k.label}</td>
                <td>{k.scopes.join(', ')}</td>
                <td>{when(k.createdAt)}</td>
                <td>{when(k.lastUsedAt)}</td>
                <td>
                  {k.revokedAt ? (
                    `revoked ${when(k.revokedAt)}`
                  ) : (
                    <form method="post" action={`/console/api-keys/${k.keyId}/revoke`}>
                      <Csrf ctx={ctx} />
                      <button type="submit" class="secondary" aria-label={`Revoke key ${k.keyId}`}>
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No API keys yet.</p>
      )}
    </Layout>
  );
}

/** The new key, shown this once. */
export function ApiKeyCreatedPage({ ctx, issued }: { ctx: PageContext; issued: IssuedKeyView }) {
  return (
    <Layout title="API key created" ctx={ctx}>
      <h1>API key created</h1>
      <div class="notice" role="status">
        <p>
          Key <strong>{issued.label}</strong> with scopes {issued.scopes.join(', ')}. Copy it now: it is shown once and
          cannot be shown again.
        </p>
        <p>
          <code class="secret">{issued.key}</code>
        </p>
      </div>
      <p>
        <a href="/console/api-keys">Back to API keys</a>
      </p>
    </Layout>
  );
}
