import { consoleAssets } from '../console-assets';
import type { PageContext } from '../page-context';
import { Layout } from './layout';

const NO_ONE: PageContext = { principal: null, session: null, actingTenantId: null, actingTenantName: null };

/** Login, password and the current code of the authenticator app; `next` is where to go afterwards. */
export function SignInPage(props: { next: string; error?: string; notice?: string }) {
  const script = consoleAssets().passkeys;
  return (
    <Layout title="Sign in" ctx={NO_ONE}>
      <h1>Sign in</h1>
      <div class="narrow">
        {props.notice ? (
          <p class="notice" role="status">
            {props.notice}
          </p>
        ) : null}
        {props.error ? (
          <p class="error" role="alert" id="sign-in-error">
            {props.error}
          </p>
        ) : null}
        <form
          method="post"
          action="/console/sign-in"
          class="panel"
          aria-describedby={props.error ? 'sign-in-error' : undefined}
        >
          <input type="hidden" name="next" value={props.next} />
          <div class="field">
            <label for="login">Login</label>
            <input id="login" name="login" autocomplete="username" required maxLength={100} />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              maxLength={256}
            />
          </div>
          <div class="field">
            <label for="code">Code from your authenticator app</label>
            <input
              id="code"
              name="code"
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9 ]{6,8}"
              required
              maxLength={8}
              aria-describedby="code-hint"
            />
            <span class="hint" id="code-hint">
              Six digits; a new one every 30 seconds.
            </span>
          </div>
          <button type="submit">Sign in</button>
        </form>
        {/* Shown by the script where the browser has WebAuthn; a passkey with user verification is both factors. */}
        <section class="panel" aria-labelledby="passkey-heading" hidden>
          <h2 id="passkey-heading">Or use a passkey</h2>
          <p class="error" role="alert" id="passkey-error" hidden />
          <button type="button" id="passkey-sign-in" data-next={props.next} aria-describedby="passkey-hint">
            Sign in with a passkey
          </button>
          <p class="hint" id="passkey-hint">
            With your login typed above, the passkeys of that account are asked for (a security key that does not keep
            your login itself needs this); without it, any passkey of yours for this site.
          </p>
        </section>
      </div>
      <script type="module" src={script.path} integrity={script.integrity} />
    </Layout>
  );
}
